; Candidate logging calls: `x.Method(...)` where Method is a name Go logging APIs use.
; Captures (tests/source/test_go_queries.py pins them):
;   @call      the whole call_expression (its range is the statement's range)
;   @receiver  the operand of the selector: a package (`log`, `slog`, `zap`), a variable, a field or a call chain
;              (for zerolog's Msg/Msgf/Send: the event chain, `log.Info().Str("k", v)`)
;   @method    the method or function name
;   @args      the argument_list
; Whether the receiver is a logger is decided in Python, for these candidates only.
((call_expression
   function: (selector_expression operand: (_) @receiver field: (field_identifier) @method)
   arguments: (argument_list) @args) @call
 (#any-of? @method
   "Print" "Printf" "Println" "Fatal" "Fatalf" "Fatalln" "Panic" "Panicf" "Panicln"
   "Trace" "Debug" "Info" "Warn" "Warning" "Error" "DPanic"
   "Tracef" "Debugf" "Infof" "Warnf" "Warningf" "Errorf" "DPanicf"
   "Traceln" "Debugln" "Infoln" "Warnln" "Warningln" "Errorln" "DPanicln"
   "Debugw" "Infow" "Warnw" "Errorw" "DPanicw" "Panicw" "Fatalw"
   "DebugContext" "InfoContext" "WarnContext" "ErrorContext"
   "InfoS" "ErrorS" "InfoDepth" "WarningDepth" "ErrorDepth"
   "Log" "LogAttrs" "Logf" "Logln"
   "Msg" "Msgf" "Send" "MsgFunc"))
