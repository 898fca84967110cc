package dev.weft.proxy.http;

import dev.weft.proxy.config.ActiveListener;
import dev.weft.proxy.http.filter.HttpFilter;
import dev.weft.proxy.http.filter.HttpFilterConfig;
import java.util.List;

/** A listener's configuration with its HTTP filters instantiated (once per configuration). */
public record ServedListener(ActiveListener active, List<HttpFilter> filters) {

    public ServedListener {
        filters = List.copyOf(filters);
    }

    public static ServedListener of(ActiveListener active) {
        return new ServedListener(active, active.http().httpFilters().stream().map(HttpFilterConfig::filter).toList());
    }
}
