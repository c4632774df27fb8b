"""Captures card payments for orders and runs the fraud check first."""

import logging

from .gateway import CardGateway, Declined
from .fraud import fraud_score

logger = logging.getLogger(__name__)

FRAUD_THRESHOLD = 80


class PaymentProcessor:
    def __init__(self, gateway: CardGateway):
        self.gateway = gateway

    def capture(self, order_id: str, payment_id: str, amount: float, currency: str, card_token: str) -> bool:
        score = fraud_score(order_id, card_token)
        logger.debug("Fraud score for payment %s is %d", payment_id, score)
        if score > FRAUD_THRESHOLD:
            logger.error("Fraud check failed for payment %s: score %d", payment_id, score)
            return False
        try:
            self.gateway.capture(payment_id, amount, currency, card_token)
        except Declined as declined:
            logger.warning("Card declined for order %s: %s", order_id, declined.reason)
            return False
        except Exception:
            logger.exception("Unexpected error processing payment %s", payment_id)
            raise
        logger.info("Captured payment %s for order %s (%.2f %s)", payment_id, order_id, amount, currency)
        return True
