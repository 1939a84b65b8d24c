import { decodeMessage } from "@ferry/protocol";
import { describe, expect, it } from "vitest";
import { encodeErrorBody, errorBodyJson } from "../../src/bindings/error-body.js";
import { answerMediaType, requestMediaType } from "../../src/bindings/http-body.js";

describe("HTTP batch media types", () => {
  it("[HTTP-2] knows the two Ferry media types, ignoring parameters and case", () => {
    expect(requestMediaType("application/x-protobuf")).toBe("protobuf");
    expect(requestMediaType("Application/JSON; charset=utf-8")).toBe("json");
    expect(requestMediaType("text/plain")).toBeUndefined();
    expect(requestMediaType(undefined)).toBeUndefined();
  });

  it("[HTTP-8] answers in the request's type unless Accept lists only the other", () => {
    expect(answerMediaType("json", undefined)).toBe("json");
    expect(answerMediaType("json", "application/x-protobuf")).toBe("protobuf");
    expect(answerMediaType("json", "application/x-protobuf, application/json")).toBe("json");
    expect(answerMediaType("protobuf", "application/json;q=0.9")).toBe("json");
    expect(answerMediaType("protobuf", "*/*")).toBe("protobuf");
    // A 415 answers in protobuf unless Accept asks for JSON.
    expect(answerMediaType(undefined, undefined)).toBe("protobuf");
    expect(answerMediaType(undefined, "application/json")).toBe("json");
  });
});

describe("Error bodies", () => {
  it("[HTTP-10] [ERR-1] encodes a bare Error, which reads back as Message field 8", () => {
    const error = { code: 31, detail: "conflict", stream: { stream: 8, epoch: 7, seq: 300n } };
    const bare = encodeErrorBody(error);
    const wrapped = decodeMessage(new Uint8Array([0x42, bare.length, ...bare]));
    expect(wrapped).toEqual({ type: "error", error });
  });

  it("[HTTP-7] writes the JSON form of a bare Error", () => {
    expect(errorBodyJson({ code: 2, detail: "too big" })).toEqual({ code: 2, detail: "too big" });
    expect(errorBodyJson({ code: 31, detail: "", stream: { stream: 8, epoch: 7, seq: 300n } })).toEqual({ code: 31, stream: { stream: 8, epoch: 7, seq: "300" } });
  });
});
