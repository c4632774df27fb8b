; What a Go file says about its loggers. Captures (tests/source/test_go_queries.py pins them):
;   @import.name / @import.path    an import (alias optional)
;   @const.name / @const.value     a constant (inlined into messages when it is a string)
;   @decl.name / @decl.type        a parameter or var whose type mentions Logger/Entry, or a parameter named
;                                  like a logger
;   @field.name / @field.type      the same for struct fields (reached as `x.field`)
;   @assign.left / @assign.value   `x := <call>` / `var x = <call>` / `x = <call>` where the call may construct a
;                                  logger (zap.NewProduction(), logger.Sugar(), slog.New(...), logrus.New(), ...)
;   @error                         a syntax error node

(import_spec name: (_)? @import.name path: (_) @import.path)

(const_spec name: (identifier) @const.name value: (expression_list . (_) @const.value))

((parameter_declaration name: (identifier) @decl.name type: (_) @decl.type)
 (#match? @decl.type "Logger|Entry"))
((field_declaration name: (field_identifier) @field.name type: (_) @field.type)
 (#match? @field.type "Logger|Entry"))
((var_spec name: (identifier) @decl.name type: (_) @decl.type)
 (#match? @decl.type "Logger|Entry"))
((parameter_declaration name: (identifier) @decl.name type: (_) @decl.type)
 (#not-match? @decl.type "Logger|Entry")
 (#match? @decl.name "^(log|logger|Log|Logger|lg|slogger|sugar|l)$|[a-z](Log|Logger)$"))
((field_declaration name: (field_identifier) @field.name type: (_) @field.type)
 (#not-match? @field.type "Logger|Entry")
 (#match? @field.name "^(log|logger|Log|Logger|lg|slogger|sugar|l)$|[a-z](Log|Logger)$"))

((short_var_declaration
   left: (expression_list) @assign.left
   right: (expression_list . (call_expression function: [(selector_expression field: (field_identifier) @assign.ctor) (identifier) @assign.ctor]) @assign.value))
 (#match? @assign.ctor "^(New|New[A-Z].*|Default|L|S|Sugar|Desugar|With|WithField|WithFields|WithError|WithContext|WithTime|WithGroup|WithLazy|Named|WithOptions|Must|StandardLogger|Logger)$"))
((var_spec
   name: (identifier) @assign.left
   value: (expression_list . (call_expression function: [(selector_expression field: (field_identifier) @assign.ctor) (identifier) @assign.ctor]) @assign.value))
 (#match? @assign.ctor "^(New|New[A-Z].*|Default|L|S|Sugar|Desugar|With|WithField|WithFields|WithError|WithContext|WithTime|WithGroup|WithLazy|Named|WithOptions|Must|StandardLogger|Logger)$"))
((assignment_statement
   left: (expression_list) @assign.left
   right: (expression_list . (call_expression function: [(selector_expression field: (field_identifier) @assign.ctor) (identifier) @assign.ctor]) @assign.value))
 (#match? @assign.ctor "^(New|New[A-Z].*|Default|L|S|Sugar|Desugar|With|WithField|WithFields|WithError|WithContext|WithTime|WithGroup|WithLazy|Named|WithOptions|Must|StandardLogger|Logger)$"))

(ERROR) @error
