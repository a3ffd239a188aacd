"""Ready-to-copy requests (curl, Python, JavaScript) for a records API call, from its path and parameters."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _

Params = list[tuple[str, str]]


@dataclass
class Example:
    url: str  # the full address, query string included
    curl: str
    python: str
    javascript: str


def _shell(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _literal(text: str) -> str:
    """A string literal valid in both Python and JavaScript."""
    return json.dumps(text, ensure_ascii=False)


def build(base: str, params: Params, *, needs_key: bool = False, json_answer: bool = True) -> Example:
    """Examples calling ``base`` (absolute address) with ``params``; ``needs_key`` adds the API key header."""
    url = base + ("?" + urlencode(params) if params else "")
    key_comment = _("votre clé d'API (page « Mon compte »)")
    # Translators: a placeholder in code samples (letters, digits and _ only).
    key = _("VOTRE_CLE")
    curl = ["curl --get " + _shell(base)]
    curl += [f"  --data-urlencode {_shell(f'{k}={v}')}" for k, v in params]
    if needs_key:
        curl.append(f"  -H 'Authorization: Apikey {key}'")
    if not json_answer:
        curl.append("  -o export")
    curl_text = " \\\n".join(curl)
    if needs_key:
        curl_text = "# " + _("%(key)s : %(comment)s") % {"key": key, "comment": key_comment} + "\n" + curl_text

    python = ["import requests", ""]
    python.append("params = [")
    python += [f"    ({_literal(k)}, {_literal(v)})," for k, v in params]
    python.append("]")
    headers = ""
    if needs_key:
        python.append(f'headers = {{"Authorization": "Apikey {key}"}}  # {key_comment}')
        headers = ", headers=headers"
    python.append(f"response = requests.get({_literal(base)}, params=params{headers}, timeout=60)")
    python.append("response.raise_for_status()")
    if json_answer:
        python.append("data = response.json()")
        python.append("print(data)")
    else:
        python.append("content = response.content")

    js = [f"const url = new URL({_literal(base)});", "url.search = new URLSearchParams(["]
    js += [f"  [{_literal(k)}, {_literal(v)}]," for k, v in params]
    js.append("]);")
    options = ""
    if needs_key:
        js.append(f'const headers = {{ Authorization: "Apikey {key}" }};  // {key_comment}')
        options = ", { headers }"
    js.append(f"const response = await fetch(url{options});")
    js.append("if (!response.ok) throw new Error((await response.json()).message);")
    js.append("const data = await response.json();" if json_answer else "const content = await response.blob();")
    js.append("console.log(data);" if json_answer else "console.log(content.size);")
    return Example(url, curl_text, "\n".join(python), "\n".join(js))
