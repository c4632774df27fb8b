package main

import (
	"errors"
	"log/slog"
)

var ErrOutOfStock = errors.New("out of stock")

type Stock struct {
	levels map[string]int
}

func (s *Stock) Reserve(orderID, sku string, qty int) error {
	left := s.levels[sku] - qty
	if left < 0 {
		slog.Error("reservation failed", "order", orderID, "sku", sku, "err", ErrOutOfStock)
		return ErrOutOfStock
	}
	s.levels[sku] = left
	slog.Info("stock reserved", "order", orderID, "sku", sku, "qty", qty)
	if left < 5 {
		slog.Warn("low stock", "sku", sku, "left", left)
	}
	return nil
}

func (s *Stock) Restock(sku string, qty int) {
	s.levels[sku] += qty
	slog.Info("restocked", "sku", sku, "qty", qty)
}
