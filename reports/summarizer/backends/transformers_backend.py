"""A local causal language model (``LLM_MODEL_PATH``) run with transformers on torch CPU.

torch and transformers are imported inside the functions: the web process imports
this package and must not pay for (or need) them. ``importlib`` rather than ``import``
also keeps mypy from analysing torch, which would slow every lint run for nothing.
"""

from __future__ import annotations

import importlib
import threading
import time
from pathlib import Path
from typing import Any

from reports.summarizer.backends import BackendError, Generation
from reports.summarizer.config import SummarizerConfig

MIN_NEW_TOKENS = 32

_models: dict[str, tuple[Any, Any]] = {}
_lock = threading.Lock()


def load_model(path: str) -> tuple[Any, Any]:
    """The (tokenizer, model) in a local directory, loaded once per process and path."""
    key = str(Path(path).expanduser().resolve())
    with _lock:
        if key not in _models:
            if not Path(key).is_dir():
                raise BackendError(f"LLM_MODEL_PATH {path!r} is not a directory")
            transformers = importlib.import_module("transformers")
            # local_files_only: a missing file must fail here, not start a download.
            tokenizer = transformers.AutoTokenizer.from_pretrained(key, local_files_only=True)
            model = transformers.AutoModelForCausalLM.from_pretrained(key, local_files_only=True)
            model.eval()
            _models[key] = (tokenizer, model)
        return _models[key]


def clear_model_cache() -> None:
    with _lock:
        _models.clear()


class TransformersBackend:
    name = "transformers"

    def __init__(self, config: SummarizerConfig) -> None:
        self.config = config

    def model_name(self) -> str:
        return self.config.model_path

    def generate(self, system: str, user: str) -> Generation:
        if not self.config.model_path:
            raise BackendError("LLM_MODEL_PATH is not set")
        tokenizer, model = load_model(self.config.model_path)
        torch = importlib.import_module("torch")
        prompt, templated = _prompt(tokenizer, system, user)
        inputs = tokenizer(prompt, return_tensors="pt", add_special_tokens=not templated)
        prompt_tokens = int(inputs["input_ids"].shape[1])
        max_new_tokens = self._room_for(model, prompt_tokens)
        pad_token_id = tokenizer.pad_token_id
        if pad_token_id is None:
            pad_token_id = tokenizer.eos_token_id
        started = time.monotonic()
        with torch.inference_mode():
            output = model.generate(
                **inputs,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                num_beams=1,
                max_time=self.config.timeout_s,
                pad_token_id=pad_token_id,
            )
        if time.monotonic() - started >= self.config.timeout_s:
            # max_time cut the text short: a half sentence is worse than the template.
            raise BackendError(f"generation timed out after {self.config.timeout_s:g} s")
        completion = output[0][prompt_tokens:]
        return Generation(
            text=tokenizer.decode(completion, skip_special_tokens=True),
            model=self.config.model_path,
            prompt_tokens=prompt_tokens,
            completion_tokens=int(completion.shape[0]),
        )

    def _room_for(self, model: Any, prompt_tokens: int) -> int:
        """``max_new_tokens``, shortened so prompt and answer fit the model's context."""
        limit = getattr(model.config, "max_position_embeddings", None) or getattr(
            model.config, "n_positions", None
        )
        wanted = self.config.max_new_tokens
        if limit is None or prompt_tokens + wanted <= limit:
            return wanted
        if limit - prompt_tokens < MIN_NEW_TOKENS:
            raise BackendError(f"the prompt ({prompt_tokens} tokens) does not fit in {limit}")
        return int(limit - prompt_tokens)


def _prompt(tokenizer: Any, system: str, user: str) -> tuple[str, bool]:
    """The chat template when the model has one (instruction-tuned models), else plain text."""
    if getattr(tokenizer, "chat_template", None):
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return str(text), True
    return f"{system}\n\n{user}\n\n", False
