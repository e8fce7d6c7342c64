"""The builder's exceptions, caught only in the CLI and the MkDocs hook."""


class BuilderError(Exception):
    """Base class: a build that cannot go on."""


class ConfigError(BuilderError):
    """The research definition or a command-line option is wrong (exit 2)."""


class CheckError(BuilderError):
    """A generated record failed a consistency check (exit 1)."""


class ExecutionError(BuilderError):
    """A per-article job raised instead of returning a record, or the cluster lost it (exit 1)."""
