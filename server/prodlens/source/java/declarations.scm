; What a Java file says about its loggers, constants and classes. Everything here is captured once per file that
; has candidate calls. Captures (tests/source/test_java_queries.py pins them):
;   @package         the package name
;   @import          an import_declaration (its text is read)
;   @class           the name of a class/interface/enum/record declaration
;   @decl.type / @decl.name / @decl.value   a field, local variable or parameter that may be a logger: its type
;                    mentions Log, or its initializer calls getLogger/getLog/..., or its name is a logger name
;   @assign.name / @assign.value   `log = LoggerFactory.getLogger(...)` assignments (fields set in constructors)
;   @const.modifiers / @const.name / @const.value   a String field with an initializer (inlined when final)
;   @lombok / @lombok.args   an annotation on a class (Lombok's @Slf4j & co. declare a `log` field)
;   @error           a syntax error node

(package_declaration [(identifier) (scoped_identifier)] @package)

(import_declaration) @import

(class_declaration name: (identifier) @class)
(interface_declaration name: (identifier) @class)
(enum_declaration name: (identifier) @class)
(record_declaration name: (identifier) @class)

((field_declaration
   type: (_) @decl.type
   declarator: (variable_declarator name: (identifier) @decl.name value: (_)? @decl.value))
 (#match? @decl.type "Log"))
((local_variable_declaration
   type: (_) @decl.type
   declarator: (variable_declarator name: (identifier) @decl.name value: (_)? @decl.value))
 (#match? @decl.type "Log"))
((formal_parameter type: (_) @decl.type name: (identifier) @decl.name)
 (#match? @decl.type "Log"))

((field_declaration
   type: (_) @decl.type
   declarator: (variable_declarator
     name: (identifier) @decl.name
     value: (method_invocation name: (identifier) @decl.factory) @decl.value))
 (#not-match? @decl.type "Log")
 (#match? @decl.factory "^(getLogger|getLog|getFormatterLogger|getAnonymousLogger|getContextLogger|forEnclosingClass)$"))
((local_variable_declaration
   type: (_) @decl.type
   declarator: (variable_declarator
     name: (identifier) @decl.name
     value: (method_invocation name: (identifier) @decl.factory) @decl.value))
 (#not-match? @decl.type "Log")
 (#match? @decl.factory "^(getLogger|getLog|getFormatterLogger|getAnonymousLogger|getContextLogger|forEnclosingClass)$"))

((field_declaration
   type: (_) @decl.type
   declarator: (variable_declarator name: (identifier) @decl.name value: (_)? @decl.value))
 (#not-match? @decl.type "Log")
 (#match? @decl.name "^_?(log|LOG|Log|logger|LOGGER|Logger)$|[a-z0-9](Log|Logger)$|_(LOG|LOGGER)$"))
((local_variable_declaration
   type: (_) @decl.type
   declarator: (variable_declarator name: (identifier) @decl.name value: (_)? @decl.value))
 (#not-match? @decl.type "Log")
 (#match? @decl.name "^_?(log|LOG|Log|logger|LOGGER|Logger)$|[a-z0-9](Log|Logger)$|_(LOG|LOGGER)$"))
((formal_parameter type: (_) @decl.type name: (identifier) @decl.name)
 (#not-match? @decl.type "Log")
 (#match? @decl.name "^_?(log|LOG|Log|logger|LOGGER|Logger)$|[a-z0-9](Log|Logger)$|_(LOG|LOGGER)$"))

((assignment_expression
   left: [(identifier) @assign.name (field_access field: (identifier) @assign.name)]
   right: (method_invocation name: (identifier) @assign.factory) @assign.value)
 (#match? @assign.factory "^(getLogger|getLog|getFormatterLogger|getAnonymousLogger)$"))

((field_declaration
   (modifiers) @const.modifiers
   type: (type_identifier) @const.type
   declarator: (variable_declarator name: (identifier) @const.name value: (_) @const.value))
 (#eq? @const.type "String"))

(class_declaration (modifiers (marker_annotation name: (_) @lombok)))
(class_declaration (modifiers (annotation name: (_) @lombok arguments: (_) @lombok.args)))
(enum_declaration (modifiers (marker_annotation name: (_) @lombok)))
(enum_declaration (modifiers (annotation name: (_) @lombok arguments: (_) @lombok.args)))

(ERROR) @error
