"""The booking endpoints: thin views that validate input (serializers.py), call one service or selector
and render one declared response shape (shapes.py); schema.py documents the rest of the contract and
errors.py is the one exception handler. Infrastructure every request passes through (authentication,
rate limits, body limits, observability) is not here but in http_infra/."""
