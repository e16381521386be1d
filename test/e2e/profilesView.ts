/**
 * Flow 1: open the extension's view from the activity bar; every profile is listed with its kind
 * and region, and an invalid profile says why it cannot be used.
 */
import { check, type E2eFlow } from './harness';
import { until, type Workbench } from './workbench';

/** Profiles of test/fixtures/integration/aws (plus the runner's IAM user) and what their rows say. */
const EXPECTED_ROWS: readonly { profile: string; description: RegExp }[] = [
  { profile: 'dev', description: /^(active · )?static keys · eu-west-1$/ },
  { profile: 'ops-admin', description: /^(active · )?role via source_profile · eu-west-1$/ },
  { profile: 'audit-readonly', description: /^(active · )?role via source_profile · \S+/ },
  { profile: 'mfa-admin', description: /^(active · )?role via source_profile · .* · MFA$/ },
  { profile: 'ci-bot', description: /^(active · )?static keys · us-west-2$/ },
  { profile: 'broken-source', description: /^⚠ The source_profile "does-not-exist" of profile "broken-source" does not exist/ },
  { profile: 'broken-arn', description: /^⚠ role_arn "not-an-arn" of profile "broken-arn" is not an IAM role ARN/ },
];

/** Drags the sash between the side bar and the editor so the rows' descriptions fit. */
async function widenSideBar(wb: Workbench, width: number): Promise<void> {
  const sidebar = wb.page.locator('.part.sidebar');
  const box = await sidebar.boundingBox();
  if (!box || box.width >= width) return;
  if (!(await wb.dragVerticalSash(box.x + box.width, box, box.x + width))) throw new Error(`No sash at the side bar's right edge (x=${box.x + box.width}).`);
  await until(async () => (((await sidebar.boundingBox())?.width ?? 0) >= width - 10 ? true : undefined), `the side bar to be ${width} px wide`, async () => JSON.stringify(await sidebar.boundingBox()), 10_000);
}

export const profilesViewFlow: E2eFlow = {
  id: 'profiles-view',
  title: 'Profiles view: opened from the activity bar, lists each profile with its kind; an invalid one shows its reason',
  async run({ wb, fixture, shot }) {
    await wb.openProfilesView();
    await wb.treeRow('broken-arn').waitFor({ state: 'visible' });
    const rows = await wb.treeRows();
    const expected = [...EXPECTED_ROWS, { profile: fixture.iamUserProfile, description: /^(active · )?static keys · / }];
    for (const { profile, description } of expected) {
      const row = rows.find((r) => r.startsWith(`${profile}, `));
      check(row, `The Profiles view has no row for "${profile}". Rows: ${JSON.stringify(rows)}`);
      const shown = row.slice(profile.length + 2);
      check(description.test(shown), `Row "${profile}" says "${shown}", expected ${description}.`);
    }

    // Wide enough for the descriptions; the picture shows the view title, every row and the icon.
    await widenSideBar(wb, 560);
    const sidebar = wb.page.locator('.part.sidebar');
    const viewRegions = [sidebar.locator('.composite.title'), sidebar.getByRole('treeitem').last(), wb.activityBarItem()];
    await shot('profiles', viewRegions, 'profiles-view.png');

    // A cut-off description: the row's tooltip carries the whole reason and the next step.
    await wb.treeRow('broken-source').locator('.label-name').first().hover();
    const tooltip = wb.page.locator('.monaco-hover').filter({ hasText: 'Cannot be used' }).first();
    await tooltip.waitFor({ state: 'visible' });
    const text = await tooltip.innerText();
    check(/does-not-exist/.test(text) && /Next step/.test(text), `The tooltip of broken-source does not give the reason and the next step: ${JSON.stringify(text)}`);
    await shot('invalid-profile-tooltip', [...viewRegions, tooltip]);
    await wb.moveMouseAway();
  },
};
