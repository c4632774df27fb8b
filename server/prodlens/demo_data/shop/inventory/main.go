package main

import (
	"log"
	"log/slog"
	"net/http"
	"os"
)

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	stock := &Stock{levels: map[string]int{}}
	http.HandleFunc("/reserve", func(w http.ResponseWriter, r *http.Request) {
		if err := stock.Reserve(r.FormValue("order"), r.FormValue("sku"), 1); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
		}
	})
	addr := ":8081"
	slog.Info("inventory listening", "addr", addr)
	log.Fatal(http.ListenAndServe(addr, nil))
}
