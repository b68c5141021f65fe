"""drf-spectacular's pre- and postprocessing hooks (set in `SPECTACULAR_SETTINGS`)."""

# What text accepts (docs/api.md, Writes): no NUL (PostgreSQL text cannot hold it); where a value
# is required, something besides whitespace, since text is trimmed.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


def without_trailing_slash(endpoints, **kwargs):
    """Preprocessing hook: the routes accept an optional trailing slash (`/?`); the documented
    paths have none (docs/api.md, Formats)."""
    return [
        (path.rstrip("/") if path != "/" else path, regex, method, callback)
        for path, regex, method, callback in endpoints
    ]


def truthful_for_openapi_3_0(result, **kwargs):
    """Postprocessing hook: say what the server refuses in terms OpenAPI 3.0 tools apply
    (docs/api.md, Schema). `nullable` counts only beside a `type`: a nullable enum becomes one
    inline enum with `null` (never the `""` the server does not return), other nullable
    alternatives get their `type`; `oneOf` becomes `anyOf`, since a value may match more than
    one alternative (`""` is both a blank and a short string)."""
    enums = result["components"]["schemas"]

    def resolved(ref):
        return enums.get(ref.rsplit("/", 1)[-1], {}) if isinstance(ref, str) else {}

    def fix(node):
        if isinstance(node, list):
            return [fix(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: fix(value) for key, value in node.items()}
        if "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
        if node.get("nullable") and "type" not in node:
            alternatives = [item for item in node.get("anyOf", []) + node.get("allOf", [])]
            targets = [resolved(item.get("$ref")) for item in alternatives]
            values = [v for t in targets for v in t.get("enum", []) if v not in ("", None)]
            if values and all(t.get("type") in ("string", None) for t in targets):
                node.pop("anyOf", None)
                node.pop("allOf", None)
                node.update({"type": "string", "enum": [*dict.fromkeys(values), None]})
            else:
                node["type"] = "object"
        return node

    result["paths"] = fix(result["paths"])
    result["components"]["schemas"] = {
        name: fix(schema) for name, schema in enums.items() if name not in ("BlankEnum", "NullEnum")
    }
    for name, schema in result["components"]["schemas"].items():
        if name.endswith("Request"):
            for field in schema.get("properties", {}).values():
                if field.get("type") == "string" and not {"format", "enum", "pattern"} & set(field):
                    # Text is trimmed and holds no NUL: a required one must not be blank.
                    field["pattern"] = NOT_BLANK if field.get("minLength") else NO_NUL
    return result
