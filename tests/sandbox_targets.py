"""Targets the upload sandbox runs in its child process in the tests: plain Python, as real targets are."""


def spin(data: bytes) -> int:
    """Burn CPU until the limit stops it."""
    n = 0
    while True:
        n += 1


def hog(data: bytes) -> int:
    """Ask for more memory than the limit allows, a megabyte at a time."""
    kept = []
    while True:
        kept.append(bytearray(1024 * 1024))


def sleep(data: bytes) -> None:
    """Wait past the wall clock without using CPU."""
    import time

    time.sleep(60)


def echo(data: bytes, suffix: str = "") -> str:
    return data.decode() + suffix
