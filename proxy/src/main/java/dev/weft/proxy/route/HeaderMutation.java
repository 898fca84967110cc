package dev.weft.proxy.route;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * One level's {@code *_headers_to_remove} and {@code *_headers_to_add} (route configuration,
 * virtual host, route or weighted cluster). Removals run before additions, as in Envoy.
 */
public record HeaderMutation(List<String> remove, List<Add> add) {

    public static final HeaderMutation NONE = new HeaderMutation(List.of(), List.of());

    public HeaderMutation {
        remove = List.copyOf(remove);
        add = List.copyOf(add);
    }

    /** Envoy's {@code HeaderValueOption.HeaderAppendAction}. */
    public enum AppendAction { APPEND_IF_EXISTS_OR_ADD, ADD_IF_ABSENT, OVERWRITE_IF_EXISTS_OR_ADD, OVERWRITE_IF_EXISTS }

    /**
     * One {@code HeaderValueOption}.
     *
     * @param keepEmptyValue {@code keep_empty_value}: without it an empty value adds nothing
     */
    public record Add(String name, String value, AppendAction action, boolean keepEmptyValue) {
    }

    public boolean isEmpty() {
        return remove.isEmpty() && add.isEmpty();
    }

    public void applyTo(HttpHeaders headers) {
        // Indexed loops: this runs for every level of every request, mostly empty ones, and the
        // iterators and bound method reference were garbage per request.
        for (int i = 0; i < remove.size(); i++) {
            headers.remove(remove.get(i));
        }
        for (int i = 0; i < add.size(); i++) {
            Add header = add.get(i);
            if (header.value().isEmpty() && !header.keepEmptyValue()) {
                continue;
            }
            boolean present = headers.contains(header.name());
            switch (header.action()) {
                case APPEND_IF_EXISTS_OR_ADD -> headers.add(header.name(), header.value());
                case ADD_IF_ABSENT -> {
                    if (!present) {
                        headers.add(header.name(), header.value());
                    }
                }
                case OVERWRITE_IF_EXISTS_OR_ADD -> headers.set(header.name(), header.value());
                case OVERWRITE_IF_EXISTS -> {
                    if (present) {
                        headers.set(header.name(), header.value());
                    }
                }
            }
        }
    }

    /**
     * The levels that apply to one request, most specific first (weighted cluster, route, virtual
     * host, route configuration): Envoy applies them in that order, so for an overwrite the least
     * specific level has the last word (its default, {@code most_specific_header_mutations_wins: false}).
     */
    public static void applyAll(List<HeaderMutation> levels, HttpHeaders headers) {
        for (int i = 0; i < levels.size(); i++) {
            levels.get(i).applyTo(headers);
        }
    }
}
