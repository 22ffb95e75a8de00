"""Typed ``custom_tts_config`` values: one class per ``TTSType``.

Each produces the documented dict form (``to_dict()``), e.g.
``{"TTSType": "tencent", "AppId": "1300000000", "SecretId": "...", "SecretKey": "...", "VoiceType": 101001}``,
which the core sends as the JSON string the service expects. ``create_ai_call(custom_tts_config=...)``
accepts these classes, that dict (snake_case keys too), or the JSON string itself. ``repr`` hides credentials.

Use either ``voice_type`` (a built-in voice) or ``custom_tts_config`` on a call, not both.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Dict, FrozenSet, Optional

__all__ = ["TtsConfig", "Tencent", "Minimax", "Volcengine", "Azure", "Custom"]

# Field names whose wire spelling is not plain PascalCase.
_WIRE_NAMES = {"api_key": "APIKey", "api_url": "APIUrl"}


def _wire(name: str) -> str:
    return _WIRE_NAMES.get(name) or "".join(part.capitalize() for part in name.split("_"))


@dataclass(frozen=True, repr=False)
class TtsConfig:
    """Base class of the TTS vendors; ``to_dict()`` gives the documented form."""

    tts_type: ClassVar[str] = ""
    _secrets: ClassVar[FrozenSet[str]] = frozenset()

    def to_dict(self) -> Dict[str, Any]:
        """The documented form: ``TTSType`` first, then the set fields with their wire names."""
        out: Dict[str, Any] = {"TTSType": self.tts_type}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[_wire(f.name)] = value
        return out

    def __repr__(self) -> str:
        shown = (
            f"{f.name}={'***' if f.name in self._secrets else repr(getattr(self, f.name))}"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) is not None
        )
        return f"{type(self).__name__}({', '.join(shown)})"


@dataclass(frozen=True, repr=False)
class Tencent(TtsConfig):
    """Tencent Cloud TTS (``TTSType`` ``tencent``).

    Args:
        app_id: your Tencent Cloud AppId (a string of digits).
        secret_id: the SecretId allowed to call TTS.
        secret_key: its SecretKey.
        voice_type: the voice id from Tencent TTS's voice list, e.g. ``101001``.
        speed: -2 to 6 (0 is 1.0x, 6 is 2.5x), at most two decimals.
        volume: 0 to 10.
        primary_language: 1 Chinese (default), 2 English, 3 Japanese.
        fast_voice_type: a custom (cloned) voice id.
    """

    tts_type: ClassVar[str] = "tencent"
    _secrets: ClassVar[FrozenSet[str]] = frozenset({"secret_id", "secret_key"})

    app_id: str
    secret_id: str
    secret_key: str
    voice_type: int
    speed: Optional[float] = None
    volume: Optional[int] = None
    primary_language: Optional[int] = None
    fast_voice_type: Optional[str] = None


@dataclass(frozen=True, repr=False)
class Minimax(TtsConfig):
    """MiniMax TTS (``TTSType`` ``minimax``).

    Args:
        api_key: your MiniMax API key.
        group_id: your MiniMax GroupId.
        model: e.g. ``speech-01-turbo``.
        api_url: e.g. ``https://api.minimax.chat/v1/t2a_v2``.
        voice_type: a MiniMax voice id.
        speed: speaking speed.
    """

    tts_type: ClassVar[str] = "minimax"
    _secrets: ClassVar[FrozenSet[str]] = frozenset({"api_key"})

    api_key: str
    group_id: str
    model: Optional[str] = None
    api_url: Optional[str] = None
    voice_type: Optional[str] = None
    speed: Optional[float] = None


@dataclass(frozen=True, repr=False)
class Volcengine(TtsConfig):
    """Volcano Engine TTS (``TTSType`` ``volcengine``).

    Args:
        app_id: your Volcano Engine AppId.
        token: its access token.
        speed: speaking speed.
        volume: volume.
        cluster: default ``volcano_tts``.
        voice_type: a Volcano Engine voice id.
    """

    tts_type: ClassVar[str] = "volcengine"
    _secrets: ClassVar[FrozenSet[str]] = frozenset({"token"})

    app_id: str
    token: str
    speed: Optional[float] = None
    volume: Optional[float] = None
    cluster: Optional[str] = None
    voice_type: Optional[str] = None


@dataclass(frozen=True, repr=False)
class Azure(TtsConfig):
    """Azure Speech TTS (``TTSType`` ``azure``).

    Args:
        subscription_key: your Speech resource key.
        region: its region, e.g. ``chinanorth3``.
        voice_name: e.g. ``zh-CN-XiaoxiaoNeural``.
        language: e.g. ``zh-CN``.
        rate: speaking rate, 0.5 to 2 (default 1).
    """

    tts_type: ClassVar[str] = "azure"
    _secrets: ClassVar[FrozenSet[str]] = frozenset({"subscription_key"})

    subscription_key: str
    region: str
    voice_name: str
    language: str
    rate: Optional[float] = None


@dataclass(frozen=True, repr=False)
class Custom(TtsConfig):
    """Your own TTS service over HTTP (``TTSType`` ``custom``).

    Args:
        api_key: the key your service expects.
        api_url: your service's URL.
        audio_format: ``pcm`` or ``wav`` (default ``wav``).
        sample_rate: Hz, default 16000.
        audio_channel: 1 (default) or 2.
    """

    tts_type: ClassVar[str] = "custom"
    _secrets: ClassVar[FrozenSet[str]] = frozenset({"api_key"})

    api_key: str
    api_url: str
    audio_format: Optional[str] = None
    sample_rate: Optional[int] = None
    audio_channel: Optional[int] = None


def _register() -> None:
    # ccc_aicall._client imports this module only for type checkers (it is a third of `import ccc_aicall`), so
    # that typing.get_type_hints() on the clients' methods finds TtsConfig once a TTS config can exist.
    from . import _client

    _client.TtsConfig = TtsConfig  # type: ignore[attr-defined]


_register()
