"""Java log statement extraction (SLF4J, Log4j 1/2, commons-logging, java.util.logging, Lombok)."""
