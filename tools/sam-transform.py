"""What CloudFormation deploys from template.yaml: the SAM transform, run offline.

Prints the transformed template as JSON for a stage's parameter values, so tests can check
what a deploy creates (the functions' aliases, CodeDeploy's deployment groups and their
alarms) without an AWS account. CodeUri is a local path before `sam build` uploads it; the
transform wants an S3 URI, so a placeholder stands in.

Usage: sam-transform.py TEMPLATE [Name=Value ...]
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


def main() -> None:
    path, *pairs = sys.argv[1:]
    parameters = dict(pair.split("=", 1) for pair in pairs)
    # Pseudo parameters (AWS::Region) come from the environment, as on a deploy.
    os.environ.setdefault("AWS_DEFAULT_REGION", "cn-north-1")
    with open(path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
            properties["CodeUri"] = "s3://build/code.zip"
    json.dump(transform(template, parameters, NoManagedPolicies()), sys.stdout)


if __name__ == "__main__":
    main()
