"""`vaultkit serve`: placeholder until the serve increment lands."""


def serve(site, port: int = 8000, echo=print) -> None:
    raise NotImplementedError
