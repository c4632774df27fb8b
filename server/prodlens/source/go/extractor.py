"""Find the log statements of a Go file: `log`, `log/slog`, zap (plain and sugared), logrus, klog/glog, zerolog.

`calls.scm` finds `x.Method(...)` calls with logging method names; Python checks each receiver against the file's
imports and declarations (`facts.py`) and reads the message by what the method means: a message plus attributes
(slog, zap, `Infow`), a `fmt` format (`Printf`, `Infof`), or `fmt.Sprint`/`Sprintln` operands (`Print`, `Info` of
logrus and sugared zap, `Println`); zerolog events are read from the `Msg`/`Msgf`/`Send` that writes them. Attributes
and fields are never message text.
"""

from __future__ import annotations

import tree_sitter

from ...model import Template
from ..extract_types import ExtractContext, FileExtraction, RawStatement
from .calls import Call, understand
from .facts import query, read_facts, text_of
from .messages import MessageReader
from ..common.positions import LineColumns
from ..common.syntax import call_candidates, count_errors
from .wrappers import call_at, site_offsets, wrapper_names, wrapper_of, wrapper_site


class GoExtractor:
    languages = ("go",)
    supports_byte_range = True  # `context.byte_range`: only calls starting there (the index's one-member re-read)

    def extract(self, tree: tree_sitter.Tree, source: bytes, path: str, context: ExtractContext) -> FileExtraction:
        root = tree.root_node
        result = FileExtraction()
        wrappers_by_name = wrapper_names(context.wrappers)
        byte_range = context.byte_range
        candidates = call_candidates(query("calls.scm"), root, byte_range)
        wrapper_sites = site_offsets(source, wrappers_by_name, byte_range) if wrappers_by_name else []
        if root.has_error:
            result.errors = count_errors(root, query("errors.scm"))
        if not candidates and not wrapper_sites:
            return result
        facts = read_facts(root, source)
        reader = MessageReader(facts)
        lines = LineColumns(source)
        handled: set[int] = set()
        for _pattern, caps in candidates:
            node = caps["call"][0]
            call = understand(node, text_of(caps["method"][0]), caps["receiver"][0], caps["args"][0], facts, context)
            if call is None:
                continue
            handled.add(node.start_byte)
            wrapper = wrapper_of(call, path, reader) if context.config.detect_wrappers else None
            result.statements.append(self._statement(call, reader, lines, wrapper=wrapper is not None))
            if wrapper is not None:
                result.wrappers.append(wrapper)
        known = dict(wrappers_by_name)
        for wrapper in result.wrappers:
            known.setdefault(wrapper.name, []).append(wrapper)
        if known:
            if result.wrappers:
                wrapper_sites = site_offsets(source, known, byte_range)
            seen: set[int] = set()
            for start, name in wrapper_sites:
                site = call_at(root, start, name)
                if site is None or site.start_byte in handled or site.start_byte in seen:
                    continue
                seen.add(site.start_byte)
                statement = wrapper_site(site, name, known[name], reader, lines, facts)
                if statement is not None:
                    result.statements.append(statement)
        result.statements.sort(key=lambda s: (s.range.start_line, s.range.start_column))
        return result

    def _statement(self, call: Call, reader: MessageReader, lines: LineColumns, *, wrapper: bool) -> RawStatement:
        parts, confidence = reader.message(call.mode, call.message_args, call.extra)
        return RawStatement(
            range=lines.range(call.node),
            framework=call.framework,
            level=call.level,
            logger=call.logger,
            template=Template.of(parts),
            confidence=confidence,
            wrapper=wrapper,
            receiver=call.receiver,
            throwable=call.throwable,
        )


EXTRACTOR = GoExtractor()
