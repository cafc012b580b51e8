"""Optional LLM client: any OpenAI-compatible chat-completions endpoint, via httpx.

Configured by BROADSHEET_LLM_URL (base URL such as http://127.0.0.1:8080/v1, or the full
.../chat/completions URL), BROADSHEET_LLM_MODEL and BROADSHEET_LLM_KEY. The model sees
numbered source sentences and must cite them as [n]; every sentence it writes is checked
against the sentences it cites (content words and numbers must be there) and rejected
when unsupported. Any failure (timeout, HTTP error, garbage) returns None and the caller
keeps the extractive result.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.conf import settings

from broadsheet.conf import env
from broadsheet.enrich.text import content_words, stem

log = logging.getLogger("broadsheet.enrich.llm")
SUPPORT_RECALL = 0.75  # share of a generated sentence's content words found in its cited sources
_CITE = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Grounded:
    text: str
    sources: list[int]  # indexes into the source list given to `generate`


def configured() -> bool:
    return bool(env("BROADSHEET_LLM_URL"))


def model_name() -> str:
    return env("BROADSHEET_LLM_MODEL") or "default"


def _endpoint() -> str:
    url = env("BROADSHEET_LLM_URL").rstrip("/")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def chat(messages: list[dict], *, max_tokens: int = 400, timeout: float | None = None) -> str | None:
    """The assistant's reply text, or None on any failure (logged)."""
    if not configured():
        return None
    headers = {"Authorization": f"Bearer {env('BROADSHEET_LLM_KEY')}"} if env("BROADSHEET_LLM_KEY") else {}
    payload = {"model": model_name(), "messages": messages, "temperature": 0.2, "max_tokens": max_tokens}
    timeout = timeout if timeout is not None else getattr(settings, "ENRICH_LLM_TIMEOUT", 30.0)
    import httpx  # here, not at import: web processes import this module and never call out

    try:
        response = httpx.post(_endpoint(), json=payload, headers=headers, timeout=timeout)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        log.warning("LLM call failed: %s", exc)
        return None


def _stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def supported(sentence: str, sources: list[str]) -> bool:
    """True when the cited source sentences contain the sentence's facts.

    A paraphrase may reorder and drop words but not add facts: at least SUPPORT_RECALL of
    its content words (crudely stemmed) and every number must appear in the sources.
    """
    claim = _stems(_CITE.sub("", sentence))
    if not claim or not sources:
        return False
    pool = set().union(*(_stems(s) for s in sources))
    numbers = set(_NUMBER.findall(_CITE.sub("", sentence)))
    if not numbers <= set(_NUMBER.findall(" ".join(sources))):
        return False
    return len(claim & pool) / len(claim) >= SUPPORT_RECALL


def generate(instruction: str, sources: list[str], max_sentences: int = 5,
             timeout: float | None = None) -> list[Grounded] | None:
    """Sentences the model wrote from `sources`, each checked; None when the call failed.

    Unsupported sentences are dropped (and logged); an empty list means the model wrote
    nothing we can vouch for.
    """
    numbered = "\n".join(f"[{i + 1}] {s}" for i, s in enumerate(sources))
    system = ("You write news summaries strictly from the numbered source sentences. Use no outside knowledge. "
              "Write one sentence per line and end each with the numbers of the source sentences it relies on, "
              "like [2] or [1][3]. If the sources do not contain the answer, reply exactly: NOT FOUND")
    reply = chat([{"role": "system", "content": system},
                  {"role": "user", "content": f"{instruction}\n\nSources:\n{numbered}\n\nAt most {max_sentences} sentences."}],
                 timeout=timeout)
    if reply is None:
        return None
    out: list[Grounded] = []
    for line in re.split(r"\n+|(?<=[.!?]\]) +|(?<=\])\s+(?=[A-Z])", reply.strip()):
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip()
        if not line or line.upper().startswith("NOT FOUND"):
            continue
        cited = [int(n) - 1 for n in _CITE.findall(line) if 0 < int(n) <= len(sources)]
        text = _CITE.sub("", line).strip()
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if cited and supported(text, [sources[i] for i in cited]):
            out.append(Grounded(text, sorted(set(cited))))
        else:
            log.info("rejected unsupported LLM sentence: %r (cites %s)", text, cited)
        if len(out) >= max_sentences:
            break
    return out
