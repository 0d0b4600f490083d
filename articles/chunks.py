def chunks(items, size):
    """Lists of `size` items of an iterable, in order (the last may be shorter), taken as they
    come: itertools.batched from Python 3.12."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
