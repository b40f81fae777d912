import pytest

from shortlink.config import ConfigError, Settings


def test_defaults_are_local():
    settings = Settings.from_env({})
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.base_url == "http://127.0.0.1:8000"


def test_reads_the_environment():
    env = {"REDIS_URL": "rediss://cache:6380/1", "BASE_URL": "https://sho.rt/"}
    settings = Settings.from_env(env)
    assert settings == Settings("rediss://cache:6380/1", "https://sho.rt")


@pytest.mark.parametrize("env, message", [
    ({"REDIS_URL": "http://cache"}, "REDIS_URL"),
    ({"BASE_URL": "sho.rt"}, "BASE_URL"),
])
def test_rejects_bad_settings(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
