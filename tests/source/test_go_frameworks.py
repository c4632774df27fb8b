"""Go frameworks: templates, levels, logger names and flags per API, checked against the text each prints."""

from __future__ import annotations

from prodlens.model import Confidence, HoleKind
from prodlens.source.extract_types import ExtractContext
from prodlens.source.go.extractor import EXTRACTOR
from prodlens.source.languages import new_parser

from statement_checks import matches, single


def extract(body: str, imports: str = '"log"', module: str | None = None):
    source = f"package shop\n\nimport (\n{imports}\n)\n\nfunc run(ctx context.Context, n int, err error) {{\n{body}\n}}\n"
    data = source.encode()
    return EXTRACTOR.extract(new_parser("go").parse(data), data, "shop/run.go", ExtractContext(module=module)).statements


def only(body: str, **kw):
    return single(extract(body, **kw))


def kinds(statement):
    return [p.kind for p in statement.template.parts if not isinstance(p, str)]


def test_stdlib_log_printf_println_print_fatal_and_trailing_newline():
    s = only('log.Printf("served %d requests in %.2fs (%s)\\n", n, 1.5, "ok")')
    assert (s.framework, s.level, s.receiver) == ("log", None, "declared")
    assert s.template.text == "served {} requests in {}s ({})"
    assert kinds(s) == [HoleKind.INT, HoleKind.NUMBER, HoleKind.ANY]
    assert matches(s, "served 12 requests in 0.25s (ok)")
    assert only('log.Println("a", n, "b")').template.text == "a {} b"
    assert only('log.Print("count:", n)').template.text == "count:{}"
    assert only('log.Fatalf("fatal %v", err)').level == "fatal"
    assert only('log.Panicln("bad")').level == "fatal"


def test_fmt_verbs_flags_width_precision_indexes_and_percent():
    s = only('log.Printf("%v|%+v|%#v|%q|%x|%t|%T|%w|%%|%[1]d|%*d|%-8s|%08.3f", a, b, c, d, e, f, g, h, i, j, k, l)')
    assert s.template.text == "{}|{}|{}|{}|{}|{}|{}|{}|%|{}|{}|{}|{}"
    assert kinds(s) == [HoleKind.ANY, HoleKind.ANY, HoleKind.ANY, HoleKind.ANY, HoleKind.HEX, HoleKind.BOOL,
                        HoleKind.ANY, HoleKind.ANY, HoleKind.INT, HoleKind.ANY, HoleKind.ANY, HoleKind.ANY]
    assert matches(s, 'x|{A:1}|main.T{}|"q"|ff|true|int|boom|%|7|   42|left    |0001.500')


def test_log_new_logger_is_declared():
    s = only('std := log.New(os.Stderr, "shop ", 0)\n\tstd.Println("started")')
    assert (s.framework, s.receiver, s.template.text) == ("log", "declared", "started")


def test_slog_message_only_attributes_are_not_text_and_levels():
    s = only('slog.Info("order placed", "id", n, "err", err)', imports='"log/slog"')
    assert (s.framework, s.level, s.template.text, s.throwable) == ("slog", "info", "order placed", True)
    w = only('slog.Log(ctx, slog.LevelWarn, "disk low", "free", n)', imports='"log/slog"')
    assert (w.level, w.template.text) == ("warn", "disk low")
    c = only('slog.ErrorContext(ctx, "failed", "n", n)', imports='"log/slog"')
    assert (c.level, c.template.text) == ("error", "failed")
    l = only('logger := slog.New(h).With("svc", "shop")\n\tlogger.Debug("cache miss")', imports='"log/slog"')
    assert (l.framework, l.level, l.receiver) == ("slog", "debug", "declared")


def test_zap_plain_and_sugared_and_named_logger_name():
    imports = '"go.uber.org/zap"'
    s = only('logger, _ := zap.NewProduction()\n\tlogger.Info("conn open", zap.String("peer", p), zap.Error(err))',
             imports=imports)
    assert (s.framework, s.level, s.template.text, s.throwable) == ("zap", "info", "conn open", True)
    statements = extract('logger := zap.NewExample().Named("db")\n\tsugar := logger.Sugar()\n'
                         '\tsugar.Infof("pool %d/%d", a, b)\n\tsugar.Infow("slow query", "ms", n)\n'
                         '\tsugar.Infoln("a", n)\n\tsugar.Warn("x", n)', imports=imports)
    assert [(x.template.text, x.level, x.logger) for x in statements] == [
        ("pool {}/{}", "info", "db"), ("slow query", "info", "db"), ("a {}", "info", "db"), ("x{}", "warn", "db")]
    assert only('zap.L().Error("global")', imports=imports).level == "error"
    assert only('zap.S().Errorf("global %d", n)', imports=imports).template.text == "global {}"


def test_logrus_entries_fields_and_aliases():
    imports = 'log "github.com/sirupsen/logrus"'
    s = only('log.WithField("user", u).Warnf("login failed for %s", u)', imports=imports)
    assert (s.framework, s.level, s.template.text) == ("logrus", "warn", "login failed for {}")
    e = only('log.WithFields(log.Fields{"a": 1}).WithError(err).Error("save failed")', imports=imports)
    assert (e.level, e.template.text, e.throwable) == ("error", "save failed", True)
    p = only('logger := log.New()\n\tlogger.Print("plain ", n)', imports=imports)
    assert (p.level, p.template.text) == ("info", "plain {}")
    entry = only('entry := log.WithField("k", 1)\n\tentry.Warningln("careful")', imports=imports)
    assert entry.level == "warn"


def test_logger_name_is_not_the_package_import_path():
    """The index passes the package import path as `module`, but no Go framework emits it as a logger name
    (log, slog, logrus and zerolog have none; zap's is empty until `Named`), so it is not claimed as one."""
    assert only('log.Printf("x")', module="example.com/shop").logger is None
    assert only('log.Printf("x")').logger is None
    named = only('l := zap.NewExample().Named("api")\n\tl.Info("x")', imports='"go.uber.org/zap"',
                 module="example.com/shop")
    assert named.logger == "api"


def test_constants_concatenation_sprintf_and_raw_strings():
    body = 'log.Printf(prefix+"%s "+`raw\\n`, fmt.Sprintf("%d", n))'
    source = f'package shop\nimport "log"\nconst prefix = "[shop] "\nfunc f() {{\n\t{body}\n}}\n'.encode()
    [s] = EXTRACTOR.extract(new_parser("go").parse(source), source, "f.go", ExtractContext()).statements
    assert s.template.text == "[shop] {} raw\\n"
    msg = only('log.Print(fmt.Sprintf("n=%d", n))')
    assert msg.template.text == "n={}"


def test_escapes_are_decoded_and_dynamic_messages_flagged():
    s = only('log.Printf("tab\\there \\u00e9 \\x41 \\101 \\"q\\"")')
    assert s.template.text == 'tab\there é A A "q"'
    assert only("log.Print(msg)").confidence is Confidence.DYNAMIC
    assert only('log.Printf(prefix+format, args...)').confidence is Confidence.DYNAMIC
    partial = only('log.Printf("x: "+format, a, b)')
    assert partial.confidence is Confidence.PARTIAL


def test_multi_line_call_range():
    statements = extract('log.Printf(\n\t\t"first %d"+\n\t\t\t" second",\n\t\tn,\n\t)')
    [s] = statements
    assert s.template.text == "first {} second"
    assert (s.range.start_line, s.range.end_line) == (7, 11)


def test_slog_level_offsets():
    assert only('slog.Log(ctx, slog.LevelError+2, "f")', imports='"log/slog"').level == "error"
    assert only('slog.Log(ctx, slog.LevelInfo-1, "d")', imports='"log/slog"').level == "debug"
    assert only('slog.Log(ctx, lvl, "v")', imports='"log/slog"').level is None


def test_klog_and_glog_including_verbosity_guards():
    imports = '"k8s.io/klog/v2"'
    assert [(s.level, s.template.text) for s in extract(
        'klog.Infof("synced %d pods", n)\n\tklog.V(2).Infof("verbose %s", x)\n\tklog.Warning("careful")\n'
        '\tklog.ErrorS(err, "sync failed", "pod", p)\n\tklog.InfoS("started", "n", n)', imports=imports)] == [
        ("info", "synced {} pods"), ("info", "verbose {}"), ("warn", "careful"), ("error", "sync failed"),
        ("info", "started")]


def test_loggers_built_with_an_error_field_mark_their_statements():
    s = only('logger := zap.NewExample().With(zap.Error(err))\n\tlogger.Warn("retrying")', imports='"go.uber.org/zap"')
    assert (s.template.text, s.throwable) == ("retrying", True)
    plain = only('logger := zap.NewExample().With(zap.String("k", "v"))\n\tlogger.Warn("fine")',
                 imports='"go.uber.org/zap"')
    assert plain.throwable is False


def test_zerolog_events_fields_levels_and_loggers():
    imports = '"github.com/rs/zerolog"\n"github.com/rs/zerolog/log"'
    statements = extract(
        'log.Info().Str("user", u).Int("n", n).Msg("logged in")\n'
        '\tlog.Error().Err(err).Msgf("sync %d failed", n)\n'
        '\tlog.Err(err).Send()\n'
        '\tlog.WithLevel(zerolog.WarnLevel).Msg("custom level")\n'
        '\tlogger := zerolog.New(os.Stderr).With().Timestamp().Str("svc", "shop").Logger()\n'
        '\tlogger.Debug().Msg("from a built logger")\n'
        '\tlog.Printf("print at debug %d", n)\n'
        '\tstream.Send(payload)\n'
        '\tlog.Info()', imports=imports)
    assert [(s.level, s.template.text, s.throwable, s.framework) for s in statements] == [
        ("info", "logged in", False, "zerolog"),
        ("error", "sync {} failed", True, "zerolog"),
        ("error", "", True, "zerolog"),
        ("warn", "custom level", False, "zerolog"),
        ("debug", "from a built logger", False, "zerolog"),
        ("debug", "print at debug {}", False, "zerolog"),
    ]
