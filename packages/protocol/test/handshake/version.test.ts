import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SPOKEN_MAJORS, SPOKEN_MINOR, chooseMajor, commonFeatures, isFeatureSubset, minorFor } from "../../src/handshake/index.js";
import { VERSION } from "../../src/generated/spec.js";

const arbMajors = fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 5 });
const arbFeatures = fc.nat({ max: 0xffffffff });

describe("version negotiation", () => {
  it("[VER-2] speaks the major of spec/version.json", () => {
    expect(SPOKEN_MAJORS).toEqual([VERSION.major]);
    expect(SPOKEN_MINOR).toBe(VERSION.minor);
  });

  it.each([
    { offered: [1], spoken: [1], chosen: 1 },
    { offered: [2, 1], spoken: [1, 2], chosen: 2 },
    { offered: [3, 1], spoken: [1], chosen: 1 },
    { offered: [2], spoken: [1], chosen: undefined },
    { offered: [], spoken: [1], chosen: undefined },
  ])("[VER-2] offered $offered, spoken $spoken -> $chosen", ({ offered, spoken, chosen }) => {
    expect(chooseMajor(offered, spoken)).toBe(chosen);
  });

  it("[VER-2] picks the first offered major the answerer speaks, none iff no major in common", () => {
    fc.assert(
      fc.property(arbMajors, arbMajors, (offered, spoken) => {
        const chosen = chooseMajor(offered, spoken);
        const common = offered.filter((m) => spoken.includes(m));
        if (common.length === 0) expect(chosen).toBeUndefined();
        else {
          expect(chosen).toBe(common[0]);
          expect(offered.slice(0, offered.indexOf(chosen!)).some((m) => spoken.includes(m))).toBe(false);
        }
      }),
    );
  });

  it("[VER-3] a single minor belongs to the preferred major; other majors read as minor 0", () => {
    expect(minorFor([2, 1], 4, 2)).toBe(4);
    expect(minorFor([2, 1], 4, 1)).toBe(0);
  });

  it("[VER-7] features in effect are the bits both peers set, as uint32", () => {
    fc.assert(
      fc.property(arbFeatures, arbFeatures, (a, b) => {
        const both = commonFeatures(a, b);
        expect(both).toBeGreaterThanOrEqual(0);
        expect(isFeatureSubset(both, a) && isFeatureSubset(both, b)).toBe(true);
        expect(commonFeatures(both, a)).toBe(both);
        expect(isFeatureSubset(a, b)).toBe(commonFeatures(a, b) === a);
      }),
    );
    expect(commonFeatures(0x80000001, 0x80000000)).toBe(0x80000000);
    expect(isFeatureSubset(0b110, 0b100)).toBe(false);
  });
});
