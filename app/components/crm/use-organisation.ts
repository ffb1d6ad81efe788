import { useRouteLoaderData } from '@remix-run/react';
import type { OrganisationLoader } from '~/routes/organisations.$id';

/** The organisation of the record page a tab sits in (its layout route's data). */
export function useOrganisation() {
  const data = useRouteLoaderData<OrganisationLoader>('routes/organisations.$id');
  if (!data) throw new Error('useOrganisation() outside /organisations/:id');
  return data;
}
