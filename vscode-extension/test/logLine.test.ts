/** The clipboard guess for "Find Log Statement for a Log Line". */

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { logLineFromClipboard, looksLikeLogLine } from "../src/logLine";

describe("looksLikeLogLine", () => {
  test("recognises common production formats", () => {
    for (const line of [
      "2024-05-01 12:00:03,120 ERROR [main] c.e.PaymentService - Payment 42 failed: card declined",
      "2024-05-01T12:00:03.120Z INFO Order 7 shipped",
      "[WARN] cache miss ratio 0.4",
      "WARNING:root:disk almost full",
      '{"ts":"2024-05-01T12:00:03Z","level":"info","msg":"user logged in","user":7}',
      '{"timestamp":1714564803,"message":"Payment failed"}',
      'time=2024-05-01T12:00:03Z level=error msg="payment failed" order=42',
      "May  1 12:00:03 web-1 sshd[123]: Accepted publickey for deploy",
      "E0501 12:00:03.120000 1 controller.go:42] sync failed",
    ]) {
      assert.ok(looksLikeLogLine(line), line);
    }
  });

  test("leaves ordinary clipboard text alone", () => {
    for (const text of [
      "const x = computeTotal(items);",
      "an error occurred in my notes",
      "https://example.org/page",
      '{"name": "prodlens", "version": "0.1.0"}',
      "pip install prodlens",
    ]) {
      assert.equal(looksLikeLogLine(text), false, text);
    }
  });
});

describe("logLineFromClipboard", () => {
  test("takes the first non-empty line (a pasted stack trace keeps only its record line)", () => {
    const clip = "\n  2024-05-01 12:00:03 ERROR Payment 42 failed\n\tat com.example.Pay.run(Pay.java:10)\n";
    assert.equal(logLineFromClipboard(clip), "2024-05-01 12:00:03 ERROR Payment 42 failed");
  });

  test("nothing, too short, huge or non-log text gives no prefill", () => {
    assert.equal(logLineFromClipboard(undefined), undefined);
    assert.equal(logLineFromClipboard(""), undefined);
    assert.equal(logLineFromClipboard("ERROR"), undefined);
    assert.equal(logLineFromClipboard(`2024-05-01 12:00:03 ERROR ${"x".repeat(20000)}`), undefined);
    assert.equal(logLineFromClipboard("let total = 0;"), undefined);
  });
});
