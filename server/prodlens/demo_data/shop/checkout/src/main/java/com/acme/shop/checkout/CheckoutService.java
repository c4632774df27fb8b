package com.acme.shop.checkout;

import java.math.BigDecimal;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a cart into an order: reserves stock, charges the customer, confirms. */
public class CheckoutService {
    private static final Logger log = LoggerFactory.getLogger(CheckoutService.class);

    private final PaymentClient payments;
    private final InventoryClient inventory;
    private final OrderRepository orders;

    public CheckoutService(PaymentClient payments, InventoryClient inventory, OrderRepository orders) {
        this.payments = payments;
        this.inventory = inventory;
        this.orders = orders;
    }

    public Receipt checkout(Cart cart, Customer customer) {
        log.debug("Starting checkout for cart {} ({} items)", cart.getId(), cart.size());
        if (cart.isEmpty()) {
            log.warn("Checkout attempted with empty cart {}", cart.getId());
            throw new IllegalStateException("empty cart " + cart.getId());
        }
        Order order = orders.create(cart, customer);
        try {
            inventory.reserve(order);
            PaymentResult payment = payments.charge(customer, order.total(), order.currency());
            orders.confirm(order, payment);
            log.info("Order {} placed by customer {} total {} {}",
                    order.getId(), customer.getId(), order.total(), order.currency());
            return new Receipt(order, payment);
        } catch (PaymentDeclinedException e) {
            log.warn("Payment declined for order {}: {}", order.getId(), e.getReason());
            orders.cancel(order);
            throw e;
        } catch (RuntimeException e) {
            log.error("Checkout failed for cart {}", cart.getId(), e);
            orders.cancel(order);
            throw e;
        }
    }

    public void applyCoupon(Cart cart, String code) {
        if (code.startsWith("LEGACY-")) {
            log.error("Legacy coupon format {} rejected for cart {}", code, cart.getId());
            return;
        }
        cart.addDiscount(code);
        log.info("Coupon {} applied to cart {}", code, cart.getId());
    }

    String newOrderId() {
        return UUID.randomUUID().toString();
    }
}
