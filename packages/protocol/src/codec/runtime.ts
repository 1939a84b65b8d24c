/**
 * The protobufjs runtime must represent 64-bit integers as Long. It finds the
 * `long` package by a dynamic require that fails under ESM loaders, and then
 * silently falls back to JavaScript numbers, which lose precision above 2^53.
 * Installing Long explicitly makes every uint64 exact everywhere.
 */
import protobuf from "protobufjs/minimal.js";
import Long from "long";

protobuf.util.Long = Long as unknown as typeof protobuf.util.Long;
protobuf.configure();

export { protobuf };
