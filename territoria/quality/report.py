"""Issues and reports: defined in lib.report so that readers and checks share them without a cycle."""

from territoria.lib.report import SEVERITIES, Issue, Report

__all__ = ["SEVERITIES", "Issue", "Report"]
