import { status as Status } from "@grpc/grpc-js";

/** The canonical name of a gRPC status code (`UNAUTHENTICATED` for 16), or `CODE_<n>` for others. */
export function statusName(code: number): string {
  const name = (Status as unknown as Record<number, string | undefined>)[code];
  return typeof name === "string" ? name : `CODE_${code}`;
}

export { Status };
