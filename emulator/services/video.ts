import type { MessageInitShape } from "@bufbuild/protobuf";
import { DeferredStatus } from "../../gen/xai/api/v1/deferred_pb.js";
import {
  type ExtendVideoRequest,
  type GenerateVideoRequest,
  type GetDeferredVideoResponseSchema,
  Video,
  type VideoResponse,
} from "../../gen/xai/api/v1/video_pb.js";
import { approximateBytes } from "../call-log.js";
import type { EmulatorContext } from "../context.js";
import { EmulatorError, invalidArgument, notFound, Status } from "../errors.js";
import { EvictingMap } from "../limits.js";
import { bind, type ServiceBinding } from "../service-impl.js";

/** Polls answered `PENDING` beyond `config.deferredPendingPolls`: a video takes a little longer than a chat. */
export const EXTRA_VIDEO_POLLS = 2;

interface VideoJob {
  readonly request: GenerateVideoRequest | ExtendVideoRequest;
  readonly model: string;
  readonly startedAt: number;
  polls: number;
  result?: Promise<VideoResponse>;
}

type PollAnswer = MessageInitShape<typeof GetDeferredVideoResponseSchema>;

/**
 * The Video service: GenerateVideo and ExtendVideo validate the request at once (like the real API,
 * errors come back from the start call) and answer with a request id; GetDeferredVideo then answers
 * `PENDING` for `deferredPendingPolls + 2` polls with `progress` rising from 0, then `DONE` with the
 * rendered video (progress 100). A job is `EXPIRED` once `deferredTtlMs` have passed on the emulator's
 * clock since it started; a render that fails (say its input file was deleted meanwhile) is `FAILED`
 * with the reason in `response.error`.
 */
export function videoService(ctx: EmulatorContext): ServiceBinding {
  // Kept like the API's deferred results, which expire: when full, the oldest requests are dropped.
  const jobs = new EvictingMap<string, VideoJob>(ctx.config.storeBytes.videoJobs);

  const start = (request: GenerateVideoRequest | ExtendVideoRequest) => {
    ctx.videos.validate(request);
    const requestId = ctx.newId("video");
    jobs.set(
      requestId,
      { request, model: ctx.catalog.video(request.model).name, startedAt: ctx.now().getTime(), polls: 0 },
      approximateBytes(request),
    );
    return { requestId };
  };

  return bind(Video, {
    generateVideo: (request) => start(request),
    extendVideo: (request) => start(request),
    async getDeferredVideo(request): Promise<PollAnswer> {
      if (request.requestId.trim() === "") throw invalidArgument("request_id must not be empty");
      const job = jobs.get(request.requestId);
      if (!job)
        throw notFound(`no video request with id "${request.requestId}" (or it was dropped to make room)`);
      if (ctx.now().getTime() - job.startedAt >= ctx.config.deferredTtlMs) {
        return { status: DeferredStatus.EXPIRED };
      }
      const pending = ctx.config.deferredPendingPolls + EXTRA_VIDEO_POLLS;
      if (job.polls < pending) {
        const progress = Math.floor((job.polls * 100) / pending);
        job.polls += 1;
        return { status: DeferredStatus.PENDING, response: { model: job.model, progress } };
      }
      job.result ??= ctx.videos.render(job.request);
      try {
        return { status: DeferredStatus.DONE, response: await job.result };
      } catch (e) {
        if (!(e instanceof EmulatorError)) throw e;
        return {
          status: DeferredStatus.FAILED,
          response: {
            model: job.model,
            progress: 100,
            error: { code: Status[e.code] ?? "UNKNOWN", message: e.message },
          },
        };
      }
    },
  });
}
