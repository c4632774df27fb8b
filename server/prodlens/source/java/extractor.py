"""Find the log statements of a Java file: SLF4J, Logback, Log4j 1/2, commons-logging, java.util.logging, Lombok.

`calls.scm` finds candidate calls (method names logging APIs use) in C; Python then looks only at those: is the
receiver a logger (declared, or named like one when the file is silent), which argument is the message, what
level, what placeholders. Files without candidates cost one query. Wrappers (`void audit(String fmt, Object...
a) { LOG.info("[audit] " + fmt, a); }`) are detected from the candidates that pass a method parameter into the
message; their call sites, and those of wrappers other files or the configuration define, become statements.
"""

from __future__ import annotations

import tree_sitter

from ..extract_types import ExtractContext, FileExtraction, RawStatement, WrapperDef
from .calls import Call, finish, understand
from .facts import query, read_facts, text_of
from .messages import MessageReader
from ..common.positions import LineColumns
from ..common.syntax import call_candidates, count_errors
from .wrappers import invocation_at, wrapper_names, wrapper_of, wrapper_site, wrapper_site_names


class JavaExtractor:
    languages = ("java",)
    supports_byte_range = True  # `context.byte_range`: only calls starting there (the index's one-member re-read)

    def extract(self, tree: tree_sitter.Tree, source: bytes, path: str, context: ExtractContext) -> FileExtraction:
        root = tree.root_node
        result = FileExtraction()
        wrappers_by_name = wrapper_names(context.wrappers)
        byte_range = context.byte_range
        candidates = call_candidates(query("calls.scm"), root, byte_range)
        wrapper_sites = wrapper_site_names(source, wrappers_by_name, byte_range) if wrappers_by_name else []
        if root.has_error:
            result.errors = count_errors(root, query("errors.scm"))
        if not candidates and not wrapper_sites:
            return result
        facts = read_facts(root, source)
        reader = MessageReader(facts)
        lines = LineColumns(source)
        handled: set[int] = set()
        local_wrappers: list[WrapperDef] = []
        unqualified: list[tuple[tree_sitter.Node, str]] = []

        for _pattern, caps in candidates:
            node = caps["call"][0]
            method = text_of(caps["method"][0])
            receiver_node = caps.get("receiver", [None])[0]
            if receiver_node is None or receiver_node.type == "this":
                unqualified.append((node, method))  # a wrapper's call site, or nothing
                continue
            call = understand(node, method, receiver_node, caps["args"][0], facts, reader)
            if call is None:
                continue
            handled.add(node.start_byte)
            wrapper = wrapper_of(call, path, reader, facts) if context.config.detect_wrappers else None
            statement = self._statement(call, reader, lines, wrapper=wrapper is not None)
            if statement is not None:
                result.statements.append(statement)
            if wrapper is not None:
                local_wrappers.append(wrapper)
        result.wrappers = local_wrappers

        known = dict(wrappers_by_name)
        for wrapper in local_wrappers:
            known.setdefault(wrapper.name, []).append(wrapper)
        if known:
            sites: list[tuple[tree_sitter.Node, str]] = [(n, m) for n, m in unqualified if m in known]
            if local_wrappers:
                wrapper_sites = wrapper_site_names(source, known, byte_range)
            for start, name in wrapper_sites:
                site = invocation_at(root, start, name)
                if site is not None:
                    sites.append((site, name))
            seen: set[int] = set()
            for site, name in sites:
                if site.start_byte in handled or site.start_byte in seen:
                    continue
                seen.add(site.start_byte)
                statement = wrapper_site(site, name, known[name], reader, lines, facts)
                if statement is not None:
                    result.statements.append(statement)
        result.statements.sort(key=lambda s: (s.range.start_line, s.range.start_column))
        return result

    def _statement(
        self, call: Call, reader: MessageReader, lines: LineColumns, *, wrapper: bool
    ) -> RawStatement | None:
        parts = reader.parts(call.message)
        parts, template, confidence, throwable = finish(parts, call.style, call.extra, call.node)
        return RawStatement(
            range=lines.range(call.node),
            framework=call.framework,
            level=call.level,
            logger=call.logger,
            template=template,
            confidence=confidence,
            wrapper=wrapper,
            receiver=call.receiver,
            throwable=throwable or call.leading_throwable,
        )


EXTRACTOR = JavaExtractor()
