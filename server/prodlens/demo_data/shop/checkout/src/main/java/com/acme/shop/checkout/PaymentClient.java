package com.acme.shop.checkout;

import java.math.BigDecimal;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Talks to the payments service over HTTP, with retries. */
public class PaymentClient {
    private static final Logger log = LoggerFactory.getLogger(PaymentClient.class);
    private static final int MAX_ATTEMPTS = 3;

    private final HttpTransport http;
    private final Duration slowThreshold = Duration.ofMillis(800);

    public PaymentClient(HttpTransport http) {
        this.http = http;
    }

    public PaymentResult charge(Customer customer, BigDecimal amount, String currency) {
        log.info("Charging {} {} for customer {}", amount, currency, customer.getId());
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                PaymentResult result = http.post("/v1/charges", customer, amount, currency);
                long elapsedMs = (System.nanoTime() - started) / 1_000_000;
                if (elapsedMs > slowThreshold.toMillis()) {
                    log.warn("Payment gateway slow: {} ms for customer {}", elapsedMs, customer.getId());
                }
                return result;
            } catch (TimeoutException e) {
                long elapsedMs = (System.nanoTime() - started) / 1_000_000;
                log.error("Payment gateway timeout after {} ms (attempt {})", elapsedMs, attempt);
                if (attempt >= MAX_ATTEMPTS) {
                    throw new PaymentUnavailableException(e);
                }
                log.info("Retrying request {} (attempt {})", http.lastRequestId(), attempt + 1);
            }
        }
    }
}
