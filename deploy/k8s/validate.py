#!/usr/bin/env python3
"""Validates Kubernetes manifests offline against the API's own models: the `kubernetes` Python
client from PyPI (37.x) generates one pydantic model per API type from the Kubernetes OpenAPI
schema, with strict field types, required fields, and unknown fields forbidden.

Every document of every YAML file given (or found under a directory) must be a known
apiVersion/kind and validate against its model. Prints each problem (file, document, field path,
what is wrong) and exits 1 if there is any.

Usage: .build-py/bin/python deploy/k8s/validate.py deploy/k8s [more files or directories]
"""
import pathlib
import sys

import kubernetes.client as k8s
import pydantic
import yaml


def model_class(api_version, kind):
    """V1Deployment for apps/v1 Deployment, V1Job for batch/v1 Job, V1Service for v1 Service."""
    version = api_version.split("/")[-1]
    return getattr(k8s, version[0].upper() + version[1:] + kind, None)


def validate(files):
    problems = []
    documents = 0
    for f in files:
        try:
            docs = list(yaml.safe_load_all(f.read_text()))
        except yaml.YAMLError as e:
            problems.append(f"{f}: not YAML: {e}")
            continue
        for n, doc in enumerate(docs):
            if doc is None:
                continue
            documents += 1
            where = f"{f} document {n + 1}"
            if not isinstance(doc, dict):
                problems.append(f"{where}: expected a Kubernetes object, got {type(doc).__name__}")
                continue
            api, kind = doc.get("apiVersion"), doc.get("kind")
            cls = model_class(api, kind) if isinstance(api, str) and isinstance(kind, str) else None
            if cls is None:
                problems.append(f"{where}: unknown apiVersion/kind {api!r}/{kind!r}")
                continue
            name = (doc.get("metadata") or {}).get("name")
            if not name:
                problems.append(f"{where} ({kind}): metadata.name is required")
            try:
                cls.model_validate(doc)
            except pydantic.ValidationError as e:
                for err in e.errors():
                    path = ".".join(str(p) for p in err["loc"])
                    problems.append(f"{where} ({kind} {name}): {path}: {err['msg']}")
    return documents, problems


def main(args):
    files = []
    for a in args or ["deploy/k8s"]:
        p = pathlib.Path(a)
        files += sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
    if not files:
        print("no YAML files found", file=sys.stderr)
        return 1
    documents, problems = validate(files)
    for p in problems:
        print(p)
    print(f"{len(files)} files, {documents} documents, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
