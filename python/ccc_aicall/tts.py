"""Typed ``custom_tts_config`` values: one class per ``TTSType``.

Each produces the documented dict form (``to_dict()``), e.g.
``{"TTSType": "tencent", "AppId": "1300000000", "SecretId": "...", "SecretKey": "...", "VoiceType": 101001}``,
which the core sends as the JSON string the service expects. ``create_ai_call(custom_tts_config=...)``
accepts these classes, that dict (snake_case keys too), or the JSON string itself. ``repr`` hides credentials.

Use either ``voice_type`` (a built-in voice) or ``custom_tts_config`` on a call, not both.

The vendor classes are generated from the core's declarations (``make gen``): each field carries its wire name and
whether it is a credential in its metadata.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, Optional

# <generated: __all__>
__all__ = ["TtsConfig", "Tencent", "Minimax", "Volcengine", "Azure", "Custom"]
# </generated: __all__>


@dataclass(frozen=True, repr=False)
class TtsConfig:
    """Base class of the TTS vendors; ``to_dict()`` gives the documented form."""

    tts_type: ClassVar[str] = ""

    def to_dict(self) -> Dict[str, Any]:
        """The documented form: ``TTSType`` first, then the set fields with their wire names."""
        out: Dict[str, Any] = {"TTSType": self.tts_type}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.metadata["wire"]] = value
        return out

    def __repr__(self) -> str:
        shown = (
            f"{f.name}={'***' if f.metadata.get('secret') else repr(getattr(self, f.name))}"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) is not None
        )
        return f"{type(self).__name__}({', '.join(shown)})"


# <generated: vendors>
@dataclass(frozen=True, repr=False)
class Tencent(TtsConfig):
    """Tencent Cloud TTS (``tts_type`` "tencent").

    Args:
        app_id: Your Tencent Cloud AppId (a string of digits).
        secret_id: The SecretId allowed to call TTS. Never printed.
        secret_key: Its SecretKey. Never printed.
        voice_type: A Tencent TTS voice id, e.g. 101001.
        speed: Speech speed: 0 is 1.0x, 6 is 2.5x. -2 to 6, at most 2 decimals.
        volume: The volume. 0 to 10.
        primary_language: The primary language. ``1`` = Chinese; ``2`` = English; ``3`` = Japanese. Default 1.
        fast_voice_type: A custom (cloned) voice id.
    """

    tts_type: ClassVar[str] = "tencent"

    app_id: str = field(metadata={"wire": "AppId"})
    secret_id: str = field(metadata={"wire": "SecretId", "secret": True})
    secret_key: str = field(metadata={"wire": "SecretKey", "secret": True})
    voice_type: int = field(metadata={"wire": "VoiceType"})
    speed: Optional[float] = field(default=None, metadata={"wire": "Speed"})
    volume: Optional[int] = field(default=None, metadata={"wire": "Volume"})
    primary_language: Optional[int] = field(default=None, metadata={"wire": "PrimaryLanguage"})
    fast_voice_type: Optional[str] = field(default=None, metadata={"wire": "FastVoiceType"})


@dataclass(frozen=True, repr=False)
class Minimax(TtsConfig):
    """MiniMax TTS (``tts_type`` "minimax").

    Args:
        api_key: Your MiniMax API key. Never printed.
        group_id: Your MiniMax group id.
        model: The TTS model, e.g. speech-01-turbo.
        api_url: The TTS endpoint, e.g. https://api.minimax.chat/v1/t2a_v2.
        voice_type: The voice id.
        speed: Speech speed. Greater than 0.
    """

    tts_type: ClassVar[str] = "minimax"

    api_key: str = field(metadata={"wire": "APIKey", "secret": True})
    group_id: str = field(metadata={"wire": "GroupId"})
    model: Optional[str] = field(default=None, metadata={"wire": "Model"})
    api_url: Optional[str] = field(default=None, metadata={"wire": "APIUrl"})
    voice_type: Optional[str] = field(default=None, metadata={"wire": "VoiceType"})
    speed: Optional[float] = field(default=None, metadata={"wire": "Speed"})


@dataclass(frozen=True, repr=False)
class Volcengine(TtsConfig):
    """Volcano Engine TTS (``tts_type`` "volcengine").

    Args:
        app_id: Your Volcano Engine app id.
        token: Your access token. Never printed.
        speed: Speech speed. Greater than 0.
        volume: The volume. Greater than 0.
        cluster: The cluster. Default ``volcano_tts``.
        voice_type: The voice id.
    """

    tts_type: ClassVar[str] = "volcengine"

    app_id: str = field(metadata={"wire": "AppId"})
    token: str = field(metadata={"wire": "Token", "secret": True})
    speed: Optional[float] = field(default=None, metadata={"wire": "Speed"})
    volume: Optional[float] = field(default=None, metadata={"wire": "Volume"})
    cluster: Optional[str] = field(default=None, metadata={"wire": "Cluster"})
    voice_type: Optional[str] = field(default=None, metadata={"wire": "VoiceType"})


@dataclass(frozen=True, repr=False)
class Azure(TtsConfig):
    """Azure Speech TTS (``tts_type`` "azure").

    Args:
        subscription_key: Your Azure Speech subscription key. Never printed.
        region: The Azure region, e.g. chinanorth3.
        voice_name: The voice, e.g. zh-CN-XiaoxiaoNeural.
        language: The language, e.g. zh-CN.
        rate: Speech rate. 0.5 to 2. Default 1.
    """

    tts_type: ClassVar[str] = "azure"

    subscription_key: str = field(metadata={"wire": "SubscriptionKey", "secret": True})
    region: str = field(metadata={"wire": "Region"})
    voice_name: str = field(metadata={"wire": "VoiceName"})
    language: str = field(metadata={"wire": "Language"})
    rate: Optional[float] = field(default=None, metadata={"wire": "Rate"})


@dataclass(frozen=True, repr=False)
class Custom(TtsConfig):
    """Your own TTS service over HTTP (``tts_type`` "custom").

    Args:
        api_key: Your service's API key. Never printed.
        api_url: Your service's URL.
        audio_format: The audio format. One of ``pcm``, ``wav``. Default ``wav``.
        sample_rate: The sample rate in Hz. At least 1. Default 16000.
        audio_channel: The number of audio channels. 1 to 2. Default 1.
    """

    tts_type: ClassVar[str] = "custom"

    api_key: str = field(metadata={"wire": "APIKey", "secret": True})
    api_url: str = field(metadata={"wire": "APIUrl"})
    audio_format: Optional[str] = field(default=None, metadata={"wire": "AudioFormat"})
    sample_rate: Optional[int] = field(default=None, metadata={"wire": "SampleRate"})
    audio_channel: Optional[int] = field(default=None, metadata={"wire": "AudioChannel"})


# </generated: vendors>


def _register() -> None:
    # ccc_aicall._client imports this module only for type checkers (it is a third of `import ccc_aicall`), so
    # that typing.get_type_hints() on the clients' methods finds TtsConfig once a TTS config can exist.
    from . import _client

    _client.TtsConfig = TtsConfig  # type: ignore[attr-defined]


_register()
