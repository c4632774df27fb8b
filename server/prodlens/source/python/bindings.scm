; What the file says about names that may be loggers.
;
; @assign         an assignment `target = value` whose value is a call (logger factories are calls)
; @assign.target  the name or attribute assigned (`log`, `self.logger`, `cls.logger`)
; @assign.factory the called function (`logging.getLogger`, `getLogger`, `structlog.get_logger`, `log.instance_logger`)
; @assign.args    the factory's arguments
; @import         an import statement (`import logging`, `from loguru import logger`, `import structlog as sl`)

(assignment
  left: [(identifier) (attribute)] @assign.target
  right: (call
    function: [(identifier) (attribute)] @assign.factory
    arguments: (argument_list) @assign.args)
  (#match? @assign.factory "[Ll]og|LOG|[Cc]hild|bind|opt")) @assign

(import_statement) @import
(import_from_statement) @import
