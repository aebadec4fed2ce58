import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api, whenUnauthorised } from './lib/api';
import { adoptPersonLanguage, t } from './lib/i18n';
import { LanguageSelect } from './components/LanguageSelect';
import { me, signOut, storedToken, type Me } from './lib/session';
import { SignIn } from './views/SignIn';
import { SetPassword } from './views/SetPassword';
import { editsCatalogue } from './lib/catalog';
import { revalidateRuleLabels, revalidateRuleLabelsOnReturn } from './lib/rule-labels';

// Each view is its own chunk: the first load carries only the shell and the page it opens.
const MyWork = lazy(() => import('./views/MyWork').then((m) => m.MyWork));
const Leads = lazy(() => import('./views/Leads').then((m) => m.Leads));
const LeadPage = lazy(() => import('./views/LeadPage').then((m) => m.LeadPage));
const Board = lazy(() => import('./views/Board').then((m) => m.Board));
const DealPage = lazy(() => import('./views/DealPage').then((m) => m.DealPage));
const Approvals = lazy(() => import('./views/Approvals').then((m) => m.Approvals));
const ApprovalPage = lazy(() => import('./views/ApprovalPage').then((m) => m.ApprovalPage));
const Analytics = lazy(() => import('./views/Analytics').then((m) => m.Analytics));
const Renewals = lazy(() => import('./views/Renewals').then((m) => m.Renewals));
const People = lazy(() => import('./views/People').then((m) => m.People));
const ImportAttendees = lazy(() => import('./views/ImportAttendees').then((m) => m.ImportAttendees));
const Rules = lazy(() => import('./views/Rules').then((m) => m.Rules));
const MaterialsLibrary = lazy(() => import('./views/MaterialsLibrary').then((m) => m.MaterialsLibrary));
const Catalogue = lazy(() => import('./views/Catalogue').then((m) => m.Catalogue));
const QuoteTemplates = lazy(() => import('./views/QuoteTemplates').then((m) => m.QuoteTemplates));

const NAV: { href: string; key: string }[] = [
  { href: '/', key: 'nav.work' },
  { href: '/leads', key: 'nav.leads' },
  { href: '/board', key: 'nav.board' },
  { href: '/approvals', key: 'nav.approvals' },
  { href: '/renewals', key: 'nav.renewals' },
  // Everyone reads the library; publishers (the API's MATERIAL_PUBLISHERS) add versions there.
  { href: '/materials', key: 'nav.materials' },
  { href: '/analytics', key: 'nav.analytics' },
];

/** RevOps manage people (and invite them to choose a password). */
const PEOPLE_NAV = { href: '/people', key: 'nav.people' };
/** Who imports an event's attendee list (the API's ATTENDEE_IMPORTERS). */
const IMPORTS_NAV = { href: '/imports', key: 'nav.imports' };
const IMPORTERS = ['revops', 'manager', 'director', 'vp'];
/**
 * The rules page: revops activate and backtest there; sales leaders read the versions, activations
 * and diffs (the API lets every token read those), so it is in their menu too, without the actions.
 */
const RULES_NAV = { href: '/rules', key: 'nav.rules' };
const RULES_READERS = ['revops', 'manager', 'director', 'vp'];
/**
 * The deal desk's catalogue and quote templates: in the menu of those who change them (the API's
 * `admin` scope and revops). Everyone signed in reads both, so the pages open read-only at their
 * address for the others.
 */
const DEAL_DESK_NAV = [
  { href: '/catalogue', key: 'nav.catalogue' },
  { href: '/quote-templates', key: 'nav.templates' },
];

function Header({ person }: { person: Me }) {
  const { path } = useLocation();
  return (
    <header class="top">
      <a class="brand" href="/">
        leadflow
      </a>
      <nav aria-label={t('nav.label')}>
        <ul>
          {[
            ...NAV,
            ...(person.kind === 'person' && IMPORTERS.includes(person.role) ? [IMPORTS_NAV] : []),
            ...(person.kind === 'person' && RULES_READERS.includes(person.role) ? [RULES_NAV] : []),
            ...(editsCatalogue(person) ? DEAL_DESK_NAV : []),
            ...(person.role === 'revops' && person.kind === 'person' ? [PEOPLE_NAV] : []),
          ].map((item) => {
            const current =
              item.href === '/'
                ? path === '/'
                : path.startsWith(item.href) || (item.href === '/board' && path.startsWith('/deals'));
            return (
              <li key={item.href}>
                <a href={item.href} aria-current={current ? 'page' : undefined}>
                  {t(item.key)}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <div class="who">
        <LanguageSelect showLabel={false} />
        <span id="whoami">
          {t('app.signedInAs', { name: person.name ?? person.email, role: t(`roles.${person.role}`) })}
        </span>
        <a href="/console" class="subtle">
          {t('nav.console')}
        </a>
        <button
          type="button"
          class="subtle"
          onClick={() => {
            signOut();
            location.assign('/');
          }}
        >
          {t('app.signOut')}
        </button>
      </div>
    </header>
  );
}

/**
 * Keeps the rule-file labels current without a reload: each move to another page, and each return
 * to the tab, asks whether the active rules version changed (a 304 when it did not).
 */
function RuleLabelsWatch() {
  const { path } = useLocation();
  useEffect(revalidateRuleLabelsOnReturn, []);
  useEffect(revalidateRuleLabels, [path]);
  return null;
}

function NotFound() {
  return (
    <main id="main">
      <h1>{t('app.notFound')}</h1>
      <p>
        <a href="/">{t('nav.work')}</a>
      </p>
    </main>
  );
}

export function App() {
  const [checking, setChecking] = useState(true);
  const [passwordSet, setPasswordSet] = useState<string | null>(null);
  useEffect(() => {
    whenUnauthorised(() => signOut());
    if (!storedToken()) return setChecking(false);
    api<Me>('/api/me')
      .then(async (person) => {
        await adoptPersonLanguage(person.language);
        me.value = person;
      })
      .catch(() => signOut())
      .finally(() => setChecking(false));
  }, []);
  if (checking) return <p class="loading">{t('app.loading')}</p>;
  // The emailed link's page works signed in or not: it is for setting a password, then signing in.
  if (passwordSet === null && location.pathname.replace(/\/$/, '') === '/set-password')
    return (
      <SetPassword
        onDone={(email) => {
          signOut();
          setPasswordSet(email);
        }}
      />
    );
  if (!me.value)
    return <SignIn notice={passwordSet === null ? undefined : t('password.done')} email={passwordSet ?? undefined} />;
  return (
    <LocationProvider>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <Header person={me.value} />
      <RuleLabelsWatch />
      <ErrorBoundary>
        <Router>
          <Route path="/" component={MyWork} />
          <Route path="/leads" component={Leads} />
          <Route path="/leads/:id" component={LeadPage} />
          <Route path="/board" component={Board} />
          <Route path="/deals/:id" component={DealPage} />
          <Route path="/approvals" component={Approvals} />
          <Route path="/approvals/:id" component={ApprovalPage} />
          <Route path="/renewals" component={Renewals} />
          <Route path="/analytics" component={Analytics} />
          <Route path="/people" component={People} />
          <Route path="/imports" component={ImportAttendees} />
          <Route path="/rules" component={Rules} />
          <Route path="/materials" component={MaterialsLibrary} />
          <Route path="/catalogue" component={Catalogue} />
          <Route path="/quote-templates" component={QuoteTemplates} />
          <Route default component={NotFound} />
        </Router>
      </ErrorBoundary>
    </LocationProvider>
  );
}
