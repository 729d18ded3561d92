package dev.jfaas.function;

import com.fasterxml.jackson.annotation.JsonInclude;

/** OpenFaaS resource limits or requests, e.g. memory "128Mi", cpu "500m". */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Resources(String memory, String cpu) {}
