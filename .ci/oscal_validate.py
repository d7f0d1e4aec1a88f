#!/usr/bin/env python3
"""Validates OSCAL JSON documents with compliance-trestle's OSCAL models
(a third-party implementation of the NIST OSCAL schemas, strict about
unknown fields and value patterns). Usage: oscal_validate.py FILE...
Exits non-zero, naming the file and the problem, on the first invalid one."""
import json
import sys

from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.poam import PlanOfActionAndMilestones
from trestle.oscal.profile import Profile
from trestle.oscal.ssp import SystemSecurityPlan

MODELS = {
    "catalog": Catalog,
    "profile": Profile,
    "plan-of-action-and-milestones": PlanOfActionAndMilestones,
    "assessment-results": AssessmentResults,
    "system-security-plan": SystemSecurityPlan,
}

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    (root, body), = doc.items()
    model = MODELS.get(root)
    if model is None:
        sys.exit(f"{path}: unknown OSCAL model {root!r}")
    try:
        model.parse_obj(body)
    except Exception as e:  # pydantic's ValidationError lists every problem
        sys.exit(f"{path}: invalid OSCAL {root}:\n{e}")
    print(f"{path}: valid OSCAL {root} ({body['metadata']['oscal-version']})")
