package dev.weft.config.analyze.schema;

import dev.weft.config.analyze.AnalysisContext;
import dev.weft.config.analyze.Analyzer;
import dev.weft.config.analyze.MessageType;
import dev.weft.config.diag.Diagnostic;
import dev.weft.config.diag.Diagnostics;
import dev.weft.config.diag.Level;
import dev.weft.config.model.Kind;
import dev.weft.config.model.Resource;
import dev.weft.config.networking.virtualservice.VirtualService;
import dev.weft.config.networking.virtualservice.VirtualServiceKind;
import dev.weft.config.validate.Validation;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IST0130 and IST0131: the VirtualService validator's warnings about rules and matches that can never
 * be used, as analysis messages. Like Istio's schema.ValidationAnalyzer, it runs the validator and
 * turns those warnings into their message types (other warnings and errors are printed by the loader).
 */
public final class VirtualServiceValidationAnalyzer implements Analyzer {
  // The validator's wording (networking.virtualservice.UnreachableRules), which follows Istio's.
  private static final Pattern UNUSED_RULE = Pattern.compile("virtualService rule (.+) not used \\((.+)\\)");
  private static final Pattern UNUSED_MATCH =
      Pattern.compile("virtualService rule (.+) match (.+) is not used \\(duplicate/overlapping match in rule (.+)\\)");

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
      Diagnostics diags = new Diagnostics();
      VirtualServiceKind.HANDLER.validator().validate(r, new Validation(r, diags));
      for (Diagnostic d : diags.list()) {
        if (d.level() != Level.WARNING) {
          continue;
        }
        Matcher match = UNUSED_MATCH.matcher(d.message());
        if (match.matches()) {
          ctx.report(MessageType.VIRTUAL_SERVICE_INEFFECTIVE_MATCH, r, null, match.group(1), match.group(2), match.group(3));
          continue;
        }
        Matcher rule = UNUSED_RULE.matcher(d.message());
        if (rule.matches()) {
          ctx.report(MessageType.VIRTUAL_SERVICE_UNREACHABLE_RULE, r, null, rule.group(1), rule.group(2));
        }
      }
    }
  }
}
