import { render } from 'preact';
import { startI18n } from './lib/i18n';
import { App } from './App';
import './styles.css';

// Links in emails written before this workspace open `/#/approvals/<id>`: they land on the approval's page.
const legacy = /^#\/approvals\/([^/?#]+)/.exec(location.hash);
if (location.pathname === '/' && legacy) history.replaceState(null, '', `/approvals/${legacy[1]}`);

await startI18n();
render(<App />, document.getElementById('app')!);
