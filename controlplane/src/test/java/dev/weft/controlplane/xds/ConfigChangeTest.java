package dev.weft.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigChangeTest {

    @Test
    void mergingWidensProxiesAndTypes() {
        ConfigChange a = ConfigChange.proxies(Set.of("p1"), "a").onlyTypes(Set.of(ResourceType.ENDPOINT));
        ConfigChange b = ConfigChange.proxies(Set.of("p2"), "b").onlyTypes(Set.of(ResourceType.CLUSTER));
        ConfigChange ab = a.merge(b);
        assertThat(ab.allProxies()).isFalse();
        assertThat(ab.proxyIds()).containsExactlyInAnyOrder("p1", "p2");
        assertThat(ab.typesOrAll()).containsExactly(ResourceType.CLUSTER, ResourceType.ENDPOINT);
        assertThat(ab.reason()).isEqualTo("a; b");
        assertThat(ab.affects("p2")).isTrue();
        assertThat(ab.affects("p3")).isFalse();

        ConfigChange all = ab.merge(ConfigChange.all("everything"));
        assertThat(all.allProxies()).isTrue();
        assertThat(all.affects("p3")).isTrue();
        assertThat(all.types()).isEmpty(); // "all" has no type limit
        assertThat(all.typesOrAll()).containsExactly(ResourceType.values());
    }

    @Test
    void reasonsOfALongBurstStayShort() {
        ConfigChange merged = ConfigChange.all("first");
        for (int i = 0; i < 10_000; i++) {
            merged = merged.merge(ConfigChange.all("VirtualService default/reviews-" + i));
        }
        assertThat(merged.reason()).startsWith("first; VirtualService default/reviews-0").endsWith("; ...");
        assertThat(merged.reason().length()).isLessThan(300);
    }
}
