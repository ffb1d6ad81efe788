import type { MetaFunction } from '@remix-run/cloudflare';
import { Link } from '@remix-run/react';
import { SECTIONS } from '~/lib/navigation';

export const meta: MetaFunction = () => [
  { title: 'Tableau de bord · Alforis CRM' },
  {
    name: 'description',
    content: 'Alforis CRM : organisations, contacts, mandats et pipeline de votre distribution de fonds.',
  },
];

export default function Dashboard() {
  const upcoming = SECTIONS.filter((section) => section.path !== '/');

  return (
    <div className="page">
      <header className="page-header">
        <p className="eyebrow">Bienvenue sur Alforis CRM</p>
        <h1>Tableau de bord</h1>
        <p className="lead">
          Votre espace pour piloter la distribution de vos fonds : les organisations que vous suivez, les
          personnes avec qui vous échangez, vos mandats et votre pipeline de levée, au même endroit.
        </p>
      </header>

      <section aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">Bientôt dans votre espace</h2>
        <ul className="card-grid">
          {upcoming.map((section) => (
            <li key={section.path} className="card">
              <h3 className="card__title">
                <Link to={section.path}>{section.label}</Link>
              </h3>
              <p>{section.description}</p>
              <p className="badge">En préparation</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
