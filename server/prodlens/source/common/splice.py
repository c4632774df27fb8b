"""A wrapper call site's message placed into the wrapper's own template.

Two rules, on purpose: the Python and JS extractors record one hole for the message parameter and fall back to
the site's message when the template lacks it; the Go and Java extractors mark every use of the carrier
parameter as the message hole, so each one is replaced.
"""

from __future__ import annotations

from ...model import Confidence, Hole, Part, Range, Template
from ..extract_types import RawStatement, WrapperDef


def splice_first(wrapper: WrapperDef, parts: list[Part]) -> list[Part]:
    """The wrapper's template with its first message hole replaced by `parts` (or `parts` alone if none)."""
    if wrapper.template is None:
        return list(parts)
    out: list[Part] = []
    spliced = False
    for part in wrapper.template.parts:
        if not spliced and isinstance(part, Hole) and part.name == wrapper.message_hole:
            out.extend(parts)
            spliced = True
        else:
            out.append(part)
    return out if spliced else list(parts)


def splice_every(wrapper: WrapperDef, parts: list[Part], confidence: Confidence) -> tuple[Template, Confidence]:
    """The site's template with every message hole of the wrapper's template replaced by `parts`, and its
    confidence: constant text around a message built elsewhere is partial, not dynamic."""
    if wrapper.template is not None:
        spliced: list[Part] = []
        for part in wrapper.template.parts:
            if isinstance(part, Hole) and part.name == wrapper.message_hole:
                spliced.extend(parts)
            else:
                spliced.append(part)
        parts = spliced
    template = Template.of(parts)
    if template.is_dynamic:
        confidence = Confidence.DYNAMIC
    elif confidence is Confidence.DYNAMIC:
        confidence = Confidence.PARTIAL  # the wrapper adds constant text around a message built elsewhere
    return template, confidence


def wrapper_site_statement(wrapper: WrapperDef, range_: Range, parts: list[Part], confidence: Confidence,
                           level: str | None, throwable: bool) -> RawStatement:
    """The statement a Go or Java wrapper call site makes: the wrapper's framework and logger, the site's range,
    and the site's message spliced into the wrapper's template."""
    template, confidence = splice_every(wrapper, parts, confidence)
    return RawStatement(
        range=range_,
        framework=wrapper.framework,
        level=level,
        logger=wrapper.logger,
        template=template,
        confidence=confidence,
        wrapper=False,
        receiver="declared",
        throwable=throwable,
    )
