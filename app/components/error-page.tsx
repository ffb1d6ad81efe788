import { Link } from '@remix-run/react';

interface ErrorPageProps {
  status: number;
  title: string;
  message: string;
}

/** Full-page message for 404s and failures, rendered inside the app shell. */
export function ErrorPage({ status, title, message }: ErrorPageProps) {
  return (
    <section className="page error-page" aria-labelledby="error-title">
      <p className="error-page__status">Erreur {status}</p>
      <h1 id="error-title">{title}</h1>
      <p className="lead">{message}</p>
      <p>
        <Link to="/" className="button">
          Retour au tableau de bord
        </Link>
      </p>
    </section>
  );
}
