package dev.weft.config.analyze.schema;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.virtualservice.UnreachableRules;
import dev.weft.config.networking.virtualservice.VirtualService;

/**
 * IST0130 and IST0131: the VirtualService validation's findings about rules and matches that can
 * never be used (duplicates, rules after a catch-all, covered URI prefixes), as analysis messages.
 * Like Istio's schema.ValidationAnalyzer it reports what validation warns about; the validator's
 * other warnings and its errors are printed by the loader. Istio's messages carry no line.
 */
public final class VirtualServiceValidationAnalyzer implements Analyzer {
  @Override
  public String name() {
    return "schema.ValidationAnalyzer.VirtualService";
  }

  @Override
  public String description() {
    return "Runs schema validation as an analyzer on 'VirtualService' resources";
  }

  @Override
  public void analyze(AnalysisContext ctx) {
    for (Resource<VirtualService> r : ctx.all(Kind.VIRTUAL_SERVICE, VirtualService.class)) {
      for (UnreachableRules.Finding f : UnreachableRules.of(r.spec())) {
        switch (f) {
          case UnreachableRules.UnusedRule u -> ctx.report(MessageType.VIRTUAL_SERVICE_UNREACHABLE_RULE, r, null, u.rule(), u.reason());
          case UnreachableRules.IneffectiveMatch m ->
              ctx.report(MessageType.VIRTUAL_SERVICE_INEFFECTIVE_MATCH, r, null, m.rule(), m.match(), m.coveredBy());
        }
      }
    }
  }
}
