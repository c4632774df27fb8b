"""Go log statement extraction (log, log/slog, zap, logrus, klog/glog, zerolog)."""
