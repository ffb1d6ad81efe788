import { Link } from '@remix-run/react';
import { useT } from '~/lib/i18n';

interface ErrorPageProps {
  status: number;
  title: string;
  message: string;
}

/** Full-page message for 403s, 404s and failures, rendered inside the app shell. */
export function ErrorPage({ status, title, message }: ErrorPageProps) {
  const t = useT();
  return (
    <section className="page error-page" aria-labelledby="error-title">
      <p className="error-page__status">{t('error.status', { status })}</p>
      <h1 id="error-title">{title}</h1>
      <p className="lead">{message}</p>
      <p>
        <Link to="/" className="button button--primary">
          {t('error.back')}
        </Link>
      </p>
    </section>
  );
}
