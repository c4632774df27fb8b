"""TypeScript and TSX use the same extractor; their own syntax (types, `as`, `!`) must not hide statements."""

from __future__ import annotations

from test_js_support import by_line, extract


def test_typescript_compiled_and_source_forms():
    lines = by_line(extract('''
        import debugModule from "debug";
        import type { Logger } from "pino";
        const debug = debugModule("engine.io-client:socket");
        class Socket {
          private logger: Logger;
          constructor(private readonly log: Logger) {}
          open(uri: string): void {
            debug("opening %s", uri as string);
            this.log.info({ uri }, `open ${uri!}`);
            (this.logger as Logger).warn("typed receiver");
          }
        }
    ''', path="src/socket.ts", language="typescript"))
    assert (lines[9].logger, lines[9].template.text) == ("engine.io-client:socket", "opening {}")
    assert lines[10].template.text == "open {}"
    assert lines[11].level == "warn"


def test_tsx_component():
    lines = by_line(extract('''
        import React from "react";
        export function Button({ label }: { label: string }) {
          const onClick = () => console.log(`clicked ${label}`);
          return <button onClick={onClick}>{label}</button>;
        }
    ''', path="src/Button.tsx", language="tsx"))
    assert lines[4].template.text == "clicked {}" and lines[4].framework == "console"


def test_class_field_loggers():
    lines = by_line(extract('''
        import pino from "pino";
        import { createLogger } from "winston";
        export class Svc {
          private readonly logger = pino({ name: "svc" });
          static log = createLogger({});
          run(): void {
            this.logger.info("field logger %s", x);
            Svc.log.warn("static");
          }
        }
    ''', path="src/svc.ts", language="typescript"))
    assert (lines[8].framework, lines[8].logger, lines[8].receiver) == ("pino", "svc", "declared")
    assert (lines[9].framework, lines[9].receiver) == ("winston", "declared")
