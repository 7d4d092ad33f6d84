"""Run the DfE reference validator (csc-validator-be-cin, ruleset cin2024_25) on a CIN census XML file and print
what it finds as JSON lines: {"rule_code": ..., "child_id": ...}, child_id null for a return-level or header
finding. Used by crates/returns/tests/reference_validator.rs.

It builds the report as `python -m cin_validator run` does (cin_validator/__main__.py): convert_data,
process_data, CinValidator; child-level issues are its full_issue_df, return-level and header ones its
multichild_issues. A rule that raises inside the validator is printed on stdout by the validator itself ("Error
with rule ..."); those lines are passed on to stderr, and the rule counts as passing, as in the shipped tool.

Usage: python reference_driver.py FILE.xml
"""

import contextlib
import importlib
import io
import json
import sys
import warnings
import xml.etree.ElementTree as ET


def main(path):
    warnings.simplefilter("ignore")
    import pandas as pd
    from cin_validator import cin_validator

    root = ET.parse(path).getroot()
    data_files = cin_validator.process_data(cin_validator.convert_data(root))
    registry = getattr(importlib.import_module("cin_validator.rules.cin2024_25"), "registry")

    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        validator = cin_validator.CinValidator(data_files, registry)
    for line in chatter.getvalue().splitlines():
        if line.strip():
            print(line, file=sys.stderr)

    seen = set()

    def emit(code, child):
        if child is not None and not isinstance(child, str) and pd.isna(child):
            child = None
        if child is not None and not isinstance(child, str):
            child = str(child)
        key = (str(code), child)
        if key not in seen:
            seen.add(key)
            print(json.dumps({"rule_code": str(code), "child_id": child}))

    issues = validator.full_issue_df
    if len(issues):
        for code, child in zip(issues["rule_code"], issues["child_id"]):
            emit(code, child)
    returns = validator.multichild_issues
    if len(returns):
        for code in returns["rule_code"]:
            emit(code, None)


if __name__ == "__main__":
    main(sys.argv[1])
