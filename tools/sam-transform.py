"""What CloudFormation deploys from template.yaml: the SAM transform, run offline.

Prints the transformed template as JSON for a stage's parameter values, so tests can check
what a deploy creates (the functions' aliases, CodeDeploy's deployment groups and their
alarms) without an AWS account. CodeUri is a local path before `sam build` uploads it; the
transform wants an S3 URI, so a placeholder stands in.

With --plan, prints instead what a release does on that stage, a line per function: its
alias, how CodeDeploy shifts traffic to the new version, and the alarms that roll it back
(`make deploy-plan STAGE=prod`).

Usage: sam-transform.py [--plan] TEMPLATE [Name=Value ...]
"""

import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The template names no managed policies, so none are looked up."""

    def load(self):
        return {}


def plan(deployed: dict) -> str:
    """A line per function: alias, traffic shifting, rollback alarms."""
    resources = deployed["Resources"]
    lines = []
    for name, resource in sorted(resources.items()):
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        alias = resources.get(f"{name}Aliaslive", {}).get("Properties", {}).get("Name", "-")
        group = resources.get(f"{name}DeploymentGroup", {}).get("Properties", {})
        shift = group.get("DeploymentConfigName", {}).get("Fn::Sub", [None, {}])[1].get("ConfigName", "-")
        alarms = [a["Name"]["Ref"] for a in group.get("AlarmConfiguration", {}).get("Alarms", [])]
        lines.append(f"{name:28} alias {alias:5} {shift:28} rolls back on {', '.join(alarms) or 'nothing'}")
    return "\n".join(lines)


def main() -> None:
    args = sys.argv[1:]
    show_plan = args[:1] == ["--plan"]
    path, *pairs = args[1:] if show_plan else args
    parameters = dict(pair.split("=", 1) for pair in pairs)
    # Pseudo parameters (AWS::Region) come from the environment, as on a deploy.
    os.environ.setdefault("AWS_DEFAULT_REGION", "cn-north-1")
    with open(path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
            properties["CodeUri"] = "s3://build/code.zip"
    deployed = transform(template, parameters, NoManagedPolicies())
    if show_plan:
        print(plan(deployed))
    else:
        json.dump(deployed, sys.stdout)


if __name__ == "__main__":
    main()
