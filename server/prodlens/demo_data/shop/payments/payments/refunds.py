"""Refunds: full or partial, never more than was captured."""

import logging

logger = logging.getLogger(__name__)


def refund(ledger, order_id: str, refund_id: str, amount: float) -> None:
    captured = ledger.captured(order_id)
    if amount > captured:
        logger.warning("Refund %s exceeds captured amount for order %s", refund_id, order_id)
        raise ValueError("refund exceeds captured amount")
    ledger.refund(order_id, refund_id, amount)
    logger.info("Refund %s issued for order %s: %.2f", refund_id, order_id, amount)
