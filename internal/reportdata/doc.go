// Package reportdata assembles what reports and scorecards are made from.
// It reads the organisation's supply map and stored risk register,
// grievance aggregates (counts and handling times only), screening status
// and impact results through the narrow read interfaces below, turns them
// into scorecard.Held evidence and report.Data, and renders reports through
// report.Renderer. The assembly is written here once; the SQL adapter only
// reads rows, and the command line and the web server share it.
//
// Held evidence follows the definitions in scorecard.Held:
//
//   - Traceability for the organisation: Tier1 is the share of tier-1
//     suppliers with a country and an identifier (OS ID, LEI or GLN);
//     Tier2 the share of tier-1 suppliers that are mapped further (they
//     have a supplier on the map, or are themselves a farm or cooperative,
//     where the chain starts); Tier3Plus the same for tier-2 suppliers;
//     Volume the share of purchased volume traced to a farm or cooperative,
//     following volume shares down the map (links without a share split
//     their buyer's volume evenly when none of its links has one, and count
//     as untraced otherwise; cycles count as untraced). For a supplier the
//     same measures start one tier further up.
//   - Risk: for a supplier its exposure and level; for the organisation the
//     highest exposure among its tier-1 suppliers. No stored risk leaves
//     it unknown, and the stricter grade scale applies.
//   - Grievance: the number of cases received in the report period, the
//     median days from receipt to leaving the "received" stage (a case
//     still waiting counts its days so far), and remedies proposed and
//     accepted.
//
// Grievance content never reaches this package: GrievanceAggregates
// returns counts and days only, and reports suppress counts below
// grievance.MinReportableCount.
//
// The package must not import database/sql, net/http or any adapter.
package reportdata
